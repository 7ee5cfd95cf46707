"""POST /model/parse: the Rasa-compatible parse of one text, plus our language and risk.

The parser is the one the app factory built (`app.state.parser`), so this route and the chat
engine always agree.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from nlu.types import Parser

router = APIRouter(tags=["nlu"])

#: Longer messages are cut before parsing; a chat message is rarely longer.
MAX_TEXT_CHARS = 4000


class ParseRequest(BaseModel):
    text: str = Field(..., description="The message to parse.")
    message_id: str | None = None
    language_hint: str | None = Field(None, description="A language code the caller believes.")


@router.post("/model/parse")
def model_parse(body: ParseRequest, request: Request) -> dict[str, Any]:
    """Answer {text, intent, intent_ranking, entities, language, risk, fallback}."""
    parser: Parser | None = getattr(request.app.state, "parser", None)
    if parser is None:
        raise HTTPException(status_code=503, detail="NLU parser not loaded")
    result = parser.parse(body.text[:MAX_TEXT_CHARS], language_hint=body.language_hint)
    answer = result.to_rasa()
    if body.message_id is not None:
        answer["message_id"] = body.message_id
    return answer
