"""Bad requests get a JSON error with a 4xx status and a message a person can act on."""

from __future__ import annotations

import json
import re

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
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(document)))
    schemas = document["components"]["schemas"]
    assert refs and refs <= {f"#/components/schemas/{name}" for name in schemas}  # none dangles


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


async def test_who_is_asking_is_settled_before_the_body_is_read(
    anon: Caller, judge: Caller
) -> None:
    """401 and 403 say what to do first; a 422 would hand a caller without the right to
    write a free check of its requests."""
    invalid = {"number": "x"}
    status, body = await anon.status("POST", "/cases", invalid)
    assert status == 401 and body["error"]["code"] == "unauthenticated"
    csrf, judge.csrf = judge.csrf, None
    status, body = await judge.status("POST", "/cases", invalid)
    assert status == 403 and body["error"]["code"] == "csrf"
    response = await anon.client.post(
        "/api/v1/cases", data=b'{"number": ', headers={"Content-Type": "application/json"}
    )
    assert response.status == 401
    judge.csrf = csrf
    assert (await judge.status("POST", "/cases", invalid))[0] == 422


async def test_an_invitation_does_not_stand_in_for_the_cookies_csrf_token(
    judge: Caller,
) -> None:
    """A staff member's browser that also holds an invitation: the cookie rides along on every
    request, so logout (which ends the cookie's session) still needs the cookie's token."""
    case = await judge.call(
        "POST", "/cases", {"number": "C-1", "title": "t", "kind": "civil_trial"}
    )
    hearing = await judge.call(
        "POST", f"/cases/{case['id']}/hearings", {"scheduled_start": "2030-01-01T09:00:00+08:00"}
    )
    party = await judge.call(
        "POST", f"/hearings/{hearing['id']}/participants", {"role": "party", "name": "甲"}
    )
    csrf, judge.csrf = judge.csrf, None
    judge.invitation = party["invitation"]["token"]
    status, body = await judge.status("POST", "/auth/logout")
    assert status == 403 and body["error"]["code"] == "csrf"
    judge.invitation = None
    me = await judge.call("GET", "/auth/me")
    assert me["kind"] == "user"
    judge.csrf, judge.invitation = csrf, party["invitation"]["token"]
    await judge.call("POST", "/auth/logout", expect=204)
    judge.invitation = None
    assert (await judge.status("GET", "/auth/me"))[0] == 401


async def test_path_ids_are_checked_after_who_is_asking(anon: Caller) -> None:
    status, body = await anon.status("GET", "/cases/abc")
    assert status == 401 and body["error"]["code"] == "unauthenticated"


async def test_the_document_lists_only_the_staff_roles_the_server_takes(
    anon: Caller, admin: Caller
) -> None:
    schemas = (await (await anon.client.get("/api/openapi.json")).json())["components"]["schemas"]
    assert schemas["UserIn"]["properties"]["role"]["enum"] == ["admin", "clerk", "judge"]
    account = {"username": "p1", "display_name": "甲", "role": "party", "password": "x" * 12}
    status, body = await admin.status("POST", "/users", account)
    assert status == 422 and body["error"]["details"][0]["field"] == "role"
