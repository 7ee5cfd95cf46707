"""POST /model/parse answers the Rasa-compatible shape with language and risk."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from nlu.parser import LocalParser
from webhooks.nlu_api import router


def client_for(parser: LocalParser | None) -> TestClient:
    app = FastAPI()
    app.state.parser = parser
    app.include_router(router)
    return TestClient(app)


def test_model_parse_answers_the_rasa_shape(local_parser: LocalParser) -> None:
    with client_for(local_parser) as client:
        r = client.post("/model/parse", json={"text": "PT Sinar Jaya resmi ka sonde?"})
    assert r.status_code == 200
    body = r.json()
    assert body["text"] == "PT Sinar Jaya resmi ka sonde?"
    assert body["intent"]["name"] == "check_agency"
    assert body["intent_ranking"][0] == body["intent"]
    assert body["entities"][0]["entity"] == "agency"
    assert body["language"]["code"] in {"mkn", "id"}
    assert body["risk"] == {"level": "none", "flags": [], "triggers": []}


def test_model_parse_shows_risk_and_its_triggers(local_parser: LocalParser) -> None:
    with client_for(local_parser) as client:
        body = client.post("/model/parse", json={"text": "paspor sy ditahan agen"}).json()
    assert body["risk"]["level"] == "high"
    assert body["risk"]["flags"] == ["passport_withheld"]
    assert body["risk"]["triggers"][0]["text"] == "paspor sy ditahan"


def test_model_parse_without_a_parser_is_unavailable() -> None:
    with client_for(None) as client:
        assert client.post("/model/parse", json={"text": "halo"}).status_code == 503


def test_model_parse_needs_text(local_parser: LocalParser) -> None:
    with client_for(local_parser) as client:
        assert client.post("/model/parse", json={}).status_code == 422


def test_the_app_factory_serves_model_parse(app: FastAPI) -> None:
    """The lead's create_app() includes this router and hands it the engine's parser."""
    with TestClient(app) as client:
        body = client.post("/model/parse", json={"text": "paspor sy ditahan agen"}).json()
    assert body["risk"]["level"] == "high"
    assert body["intent"]["name"] == "report_risk"
