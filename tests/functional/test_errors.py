"""Bad requests get a JSON error with a 4xx status and a message a person can act on."""

from __future__ import annotations

from aiohttp.test_utils import TestServer

from tests.callers import Caller


async def test_healthz_answers_once_the_database_does(anon: Caller) -> None:
    response = await anon.client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"


async def test_openapi_document_lists_every_route(anon: Caller, server: TestServer) -> None:
    response = await anon.client.get("/api/openapi.json")
    document = await response.json()
    assert document["openapi"].startswith("3.")
    documented = {
        (method.upper(), path) for path, ops in document["paths"].items() for method in ops
    }
    routed = {
        (route.method, route.resource.canonical)
        for route in server.app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith("/api/v1")
    }
    assert documented == routed
    case_in = document["components"]["schemas"]["CaseIn"]
    assert set(case_in["required"]) == {"number", "title", "kind"}


async def test_malformed_json(judge: Caller) -> None:
    response = await judge.client.post(
        "/api/v1/cases",
        data=b'{"number": ',
        headers={"Content-Type": "application/json", "X-CSRF-Token": judge.csrf or ""},
    )
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "malformed_json"


async def test_wrong_content_type(judge: Caller) -> None:
    response = await judge.client.post(
        "/api/v1/cases",
        data=b"number=1",
        headers={"Content-Type": "text/plain", "X-CSRF-Token": judge.csrf or ""},
    )
    assert response.status == 415


async def test_body_must_be_an_object(judge: Caller) -> None:
    status, _body = await judge.status("POST", "/cases", [1, 2])
    assert status == 422


async def test_nul_characters_are_refused_before_the_database(judge: Caller) -> None:
    status, body = await judge.status(
        "POST", "/cases", {"number": "A\u0000", "title": "t", "kind": "civil_trial"}
    )
    assert status == 400 and body["error"]["code"] == "nul_character"
    response = await judge.client.get("/api/v1/cases", params={"q": "a\x00b"})
    assert response.status == 400


async def test_oversized_body(judge: Caller) -> None:
    huge = {"number": "A", "title": "t" * (300 * 1024), "kind": "civil_trial"}
    status, body = await judge.status("POST", "/cases", huge)
    assert status == 413 and "bytes" in body["error"]["message"]


async def test_unknown_and_malformed_ids(judge: Caller) -> None:
    for path in (
        "/cases/999999",
        "/hearings/999999",
        "/cases/abc",
        "/cases/0",
        "/cases/99999999999999999999",
    ):
        status, _body = await judge.status("GET", path)
        assert status == 404, path


async def test_unknown_route_and_method(anon: Caller) -> None:
    response = await anon.client.get("/api/v1/nothing-here")
    assert response.status == 404 and (await response.json())["error"]["code"] == "not_found"
    response = await anon.client.put("/api/v1/cases")
    assert response.status == 405
    assert "GET" in response.headers["Allow"]


async def test_query_of_the_wrong_type(judge: Caller) -> None:
    response = await judge.client.get("/api/v1/cases", params={"limit": "many"})
    assert response.status == 422
    assert (await response.json())["error"]["details"][0]["field"] == "limit"
