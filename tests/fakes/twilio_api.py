"""A fake of the Twilio REST API at the client's HTTP boundary: it records calls, answers as told.

Usage::

    from tests.fakes.twilio_api import FakeTwilioHttp, created, twilio_error

    http = FakeTwilioHttp()
    client = twilio.rest.Client(sid, token, http_client=http)
    # or: build_senders(settings, twilio_http_client=http)
    http.queue_responses(twilio_error(429, 20429, "Too Many Requests"), created())
    ...
    http.calls[-1].data["Body"], http.calls[-1].data["To"]

The twilio client hands every request to its http client's `request()`; this one never opens a
socket. A request takes the oldest queued response, else a 201 with a new message SID.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass
from logging import getLogger
from typing import Any

from twilio.http import HttpClient
from twilio.http.response import Response

__all__ = ["FakeTwilioHttp", "TwilioCall", "created", "twilio_error"]


@dataclass(frozen=True, slots=True)
class TwilioCall:
    method: str
    url: str
    data: dict[str, Any]
    status: int


def created(sid: str | None = None) -> Response:
    """201 Created with a Message resource; `sid=None` gives a fresh SM... id."""
    return Response(201, json.dumps({"sid": sid, "status": "queued"}) if sid else "")


def twilio_error(status: int, code: int, message: str) -> Response:
    """An error as the REST API sends it (twilio.com/docs/api/errors)."""
    return Response(
        status,
        json.dumps(
            {
                "code": code,
                "message": message,
                "status": status,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
            }
        ),
    )


class FakeTwilioHttp(HttpClient):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(getLogger(__name__), is_async=False)
        self.calls: list[TwilioCall] = []
        self._queue: deque[Response] = deque()
        self._sids = itertools.count(1)
        self._lock = threading.Lock()

    def queue_responses(self, *responses: Response) -> None:
        with self._lock:
            self._queue.extend(responses)

    def request(
        self,
        method: str,
        url: str,
        params: Any = None,
        data: Any = None,
        headers: Any = None,
        auth: Any = None,
        timeout: Any = None,
        allow_redirects: bool = False,
    ) -> Response:
        with self._lock:
            response = self._queue.popleft() if self._queue else created()
            if response.status_code == 201 and not response.text:
                sid = f"SM{next(self._sids):032x}"
                body = dict(data or {})
                response = Response(
                    201,
                    json.dumps(
                        {
                            "sid": sid,
                            "status": "queued",
                            "to": body.get("To"),
                            "from": body.get("From"),
                            "body": body.get("Body"),
                        }
                    ),
                )
            self.calls.append(TwilioCall(method, url, dict(data or {}), response.status_code))
        return response

    def bodies(self, to: str | None = None) -> list[str]:
        """Bodies of the messages created (to one address, if given)."""
        return [
            c.data.get("Body", "")
            for c in self.calls
            if c.status == 201 and (to is None or c.data.get("To") == to)
        ]
