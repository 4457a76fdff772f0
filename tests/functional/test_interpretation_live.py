"""Interpretation over the real app (docs/architecture.md#interpretation): an interpreter's
language pair is kept with them and shown in the room; a party chooses the interpreter's
channel and the bench sees it; a sign-language interpreter, a party or someone unknown is no
channel; malformed choices and wrong pairs get a clear refusal. Both databases."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from tests.callers import Caller, invite, schedule_hearing
from tests.integration.courtroom import session_cookie
from tests.signal_client import SignalClient


def code(reply: dict[str, Any]) -> str:
    return str(reply.get("error", {}).get("code"))


async def test_a_party_listens_to_the_interpreter_and_the_bench_sees_it(
    judge: Caller, server: TestServer
) -> None:
    url = str(server.make_url("")).rstrip("/")
    hearing = await schedule_hearing(judge, "(2026)浙01民初77号")
    hid = hearing["id"]
    spoken = await invite(judge, hid, role="interpreter", name="译员甲", interprets="zh-en")
    signer = await invite(judge, hid, role="interpreter", name="手语译员", interprets="zh-csl")
    party = await invite(judge, hid, name="John Smith", language="en")
    path = f"/hearings/{hid}/participants"
    for bad in (
        {"role": "party", "name": "某", "interprets": "zh-en"},
        {"role": "interpreter", "name": "某", "interprets": "zh-xx"},
        {"role": "interpreter", "name": "某", "interprets": "en-en"},
        {"role": "interpreter", "name": "某", "interprets": "zh_en"},
        {"role": "interpreter", "name": "某", "interprets": "zhongwen-en"},
    ):
        assert (await judge.status("POST", path, bad))[0] == 422, bad
    listed = (await judge.call("GET", path))["items"]
    assert {p["name"]: p["interprets"] for p in listed if p["role"] != "judge"} == {
        "译员甲": "zh-en",
        "手语译员": "zh-csl",
        "John Smith": None,
    }
    spoken_id, signer_id = spoken["participant"]["id"], signer["participant"]["id"]
    party_id = party["participant"]["id"]

    bench, person = SignalClient(url), SignalClient(url)
    try:
        await bench.connect(hid, cookie=session_cookie(judge))
        for step in ("open", "start_session"):
            assert "error" not in await bench.call(step)
        await person.connect(hid, invitation=party["invitation"]["token"])
        assert (await bench.call("admit", {"participant_id": party_id}))["ok"]
        room = await person.wait_for("room", lambda r: r["you"]["presence"] == "in_hearing")
        assert room["you"]["listening"] is None
        shown = {m["id"]: m.get("interprets") for m in room["members"]}
        assert shown.get(party_id) is None

        assert await person.call("listen", {"interpreter_id": spoken_id}) == {"ok": True}
        seen = await bench.wait_for(
            "room",
            lambda r: any(
                m["id"] == party_id and m["listening"] == spoken_id for m in r["members"]
            ),
        )
        interpreter = next(m for m in seen["members"] if m["id"] == spoken_id)
        assert interpreter["interprets"] == "zh-en"
        assert code(await person.call("listen", {"interpreter_id": signer_id})) == "not_interpreter"
        assert code(await person.call("listen", {"interpreter_id": party_id})) == "not_interpreter"
        assert code(await person.call("listen", {"interpreter_id": 999_999})) == "not_found"
        for malformed in (
            {"interpreter_id": "x"},
            {"interpreter_id": True},
            {"interpreter_id": 0},
            {"who": 1},
            [1],
        ):
            assert code(await person.call("listen", malformed)) == "invalid_payload", malformed
        assert await person.call("listen", {"interpreter_id": None}) == {"ok": True}
        await bench.wait_for(
            "room",
            lambda r: any(m["id"] == party_id and m["listening"] is None for m in r["members"]),
        )
    finally:
        await person.close()
        await bench.close()
