"""A local fake of the Telegram Bot API, for tests: it records every call and answers as told.

Usage::

    from tests.fakes.telegram_api import FakeTelegramAPI, blocked, ok, retry_after

    with FakeTelegramAPI() as api:                 # listens on 127.0.0.1, a free port
        settings = Settings(TELEGRAM_API_BASE_URL=api.base_url, TELEGRAM_BOT_TOKEN="123:ABC", ...)
        api.queue_responses(retry_after(1), ok())  # the next two calls (any method)
        api.queue_responses(blocked(), method="sendMessage")  # only for sendMessage
        ...                                         # code under test calls the API
        api.wait_for_calls(2, method="sendMessage")
        call = api.calls_to("sendMessage")[-1]
        call.params["chat_id"], call.params["text"], call.params.get("reply_markup")

Requests go to ``{base_url}/bot<token>/<method>``, as the real API (and python-telegram-bot with
``base_url=f"{base_url}/bot"``) expects. Parameters are read from JSON, form-urlencoded or
multipart bodies and from the query string. Values are strings as sent, except JSON objects and
arrays (reply_markup, allowed_updates), which are decoded.

Responses: a call takes the oldest response queued for its method, else the oldest queued for
any method, else a plausible 200 for that method (sendMessage returns a Message with a fresh
message_id, setWebhook/answerCallbackQuery True, getMe a bot User...). Every call is recorded in
``calls`` with the HTTP status it got, in arrival order, including refused ones.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "Call",
    "FakeResponse",
    "FakeTelegramAPI",
    "blocked",
    "chat_not_found",
    "error",
    "ok",
    "retry_after",
    "server_error",
]


@dataclass(frozen=True, slots=True)
class FakeResponse:
    """What the fake answers one call: an HTTP status and the Bot API's JSON body.
    `result=None` on a 200 means "the default result for the method"."""

    status: int = 200
    result: Any = None
    description: str | None = None
    parameters: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        if self.status == 200:
            return {"ok": True, "result": self.result}
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description or "Error",
        }
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def ok(result: Any = None) -> FakeResponse:
    """200 with `result`, or the method's default result when None."""
    return FakeResponse(200, result)


def retry_after(seconds: int) -> FakeResponse:
    """429 flood control, as Telegram sends it (core.telegram.org/bots/api#responseparameters)."""
    return FakeResponse(
        429,
        description=f"Too Many Requests: retry after {seconds}",
        parameters={"retry_after": seconds},
    )


def blocked() -> FakeResponse:
    """403 for a user who blocked the bot."""
    return FakeResponse(403, description="Forbidden: bot was blocked by the user")


def chat_not_found() -> FakeResponse:
    return FakeResponse(400, description="Bad Request: chat not found")


def server_error() -> FakeResponse:
    return FakeResponse(502, description="Bad Gateway")


def error(status: int, description: str) -> FakeResponse:
    return FakeResponse(status, description=description)


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received."""

    method: str
    token: str
    params: dict[str, Any]
    status: int
    #: time.monotonic() when it arrived, to check retry delays.
    at: float = field(default_factory=time.monotonic)


class FakeTelegramAPI:
    """The fake server (http.server in a daemon thread). Start/stop it, or use it as a context
    manager; `base_url` is what TELEGRAM_API_BASE_URL should be set to."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.calls: list[Call] = []
        self._host, self._port = host, port
        self._queues: dict[str | None, deque[FakeResponse]] = {}
        self._lock = threading.Lock()
        self._new_call = threading.Condition(self._lock)
        self._message_ids = itertools.count(1001)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeTelegramAPI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._serve(self)

            def do_GET(self) -> None:
                fake._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        self._server = ThreadingHTTPServer((self._host, self._port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-telegram-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeTelegramAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """e.g. http://127.0.0.1:40123 (the client appends /bot<token>/<method>)."""
        if self._server is None:
            raise RuntimeError("FakeTelegramAPI is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- programming and inspecting ----------------------------------------------------------

    def queue_responses(self, *responses: FakeResponse, method: str | None = None) -> None:
        """Answer the next calls (of `method`, or of any method) with these, in order."""
        with self._lock:
            self._queues.setdefault(method, deque()).extend(responses)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        """Texts of the successful sendMessage calls (to one chat, if given)."""
        return [
            c.params.get("text", "")
            for c in self.calls_to("sendMessage")
            if c.status == 200 and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def wait_for_calls(
        self, count: int, *, method: str | None = None, timeout: float = 5.0
    ) -> list[Call]:
        """Block until at least `count` calls (of `method`) arrived; raise on timeout."""
        deadline = time.monotonic() + timeout
        with self._new_call:
            while True:
                calls = [c for c in self.calls if method is None or c.method == method]
                if len(calls) >= count:
                    return calls
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(calls)} of {count} calls to {method or 'any method'}")
                self._new_call.wait(left)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._queues.clear()

    # -- serving ------------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        segments = [s for s in url.path.split("/") if s]
        if len(segments) < 2 or not segments[-2].startswith("bot"):
            self._write(handler, FakeResponse(404, description="Not Found"))
            return
        token, method = segments[-2][3:], segments[-1]
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        params = dict(parse_qsl(url.query))
        params.update(_read_params(handler.headers.get("Content-Type", ""), raw))
        with self._new_call:
            response = self._next_response(method)
            if response.status == 200 and response.result is None:
                response = FakeResponse(200, self._default_result(method, params))
            self.calls.append(Call(method, token, params, response.status))
            self._new_call.notify_all()
        self._write(handler, response)

    def _next_response(self, method: str) -> FakeResponse:
        for key in (method, None):
            queue = self._queues.get(key)
            if queue:
                return queue.popleft()
        return FakeResponse(200)

    def _default_result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "sendMessage":
            chat_id = params.get("chat_id", "0")
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {
                    "id": int(chat_id) if str(chat_id).lstrip("-").isdigit() else 0,
                    "type": "private",
                },
                "from": {
                    "id": 123456789,
                    "is_bot": True,
                    "first_name": "Aman",
                    "username": "aman_test_bot",
                },
                "text": params.get("text", ""),
            }
        if method == "getMe":
            return {
                "id": 123456789,
                "is_bot": True,
                "first_name": "Aman",
                "username": "aman_test_bot",
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "getWebhookInfo":
            hooks = [c for c in self.calls if c.method == "setWebhook" and c.status == 200]
            return {
                "url": hooks[-1].params.get("url", "") if hooks else "",
                "has_custom_certificate": False,
                "pending_update_count": 0,
            }
        return True

    @staticmethod
    def _write(handler: BaseHTTPRequestHandler, response: FakeResponse) -> None:
        body = json.dumps(response.body()).encode("utf-8")
        handler.send_response(response.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def _read_params(content_type: str, raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        data = json.loads(raw)
        return dict(data) if isinstance(data, dict) else {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        fields: dict[str, str] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                fields[name] = payload.decode("utf-8") if isinstance(payload, bytes) else ""
        return {k: _maybe_json(v) for k, v in fields.items()}
    return {k: _maybe_json(v) for k, v in parse_qsl(raw.decode("utf-8"), keep_blank_values=True)}


def _maybe_json(value: str) -> Any:
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
