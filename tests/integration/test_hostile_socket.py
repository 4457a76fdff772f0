"""The `/hearing` namespace against hand-written engine.io frames no honest client sends.

A socket never changes who it is, malformed packets cost a few short log lines (never a
traceback, never the connection of anyone else), and ids out of range get a clear refusal.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import pytest

from tests.callers import Caller, invite, schedule_hearing
from tests.integration.courtroom import Courtroom
from tests.integration.peers import wait_until
from tests.raw_socket import RawSocket
from tests.signal_client import SignalClient

NINES = "9" * 120
HOSTILE_FRAMES: list[str | bytes] = [
    f'42/hearing,["x",{NINES}]',  # an integer past engine.io's 100 digits
    f'42/hearing,["self_test",{{"camera":{NINES}}}]',
    "42/hearing," + "[" * 30_000 + "]" * 30_000,  # 60 kB of nesting
    "42/hearing," + '{"a":' * 5_000 + "1" + "}" * 5_000,
    '42/hearing,["x",',  # not JSON
    '42/hearing,["x",NaN]',
    "42/hearing,",  # no data
    '42/hearing,"self_test"',  # not a list
    "42/hearing,[]",
    "42/hearing,[1]",
    '42/hearing,[{"a":1}]',
    '42/hearing,[["self_test"]]',
    f"42/hearing,{NINES}[]",  # an acknowledgement id past 100 digits
    '451-/hearing,["x",{"_placeholder":true,"num":7}]',  # binary event
    "461-/hearing,1[]",  # binary acknowledgement
    '44/hearing,{"message":"x"}',  # connect_error, from a client
    "47/hearing,[]",  # no such packet type
    "4x",
    "4",
    "x",
    "9",
    b"\x04\xff\x00",
]


async def judge_present(courtroom: Courtroom) -> SignalClient:
    judge = SignalClient(courtroom.url)
    await judge.connect(courtroom.hearing_id, cookie=courtroom.seats["judge"].cookie)
    return judge


async def party(courtroom: Courtroom, session: aiohttp.ClientSession, name: str) -> RawSocket:
    socket = await RawSocket.open(session, courtroom.url)
    outcome, data = await socket.join(
        {"hearing_id": courtroom.hearing_id, "invitation": courtroom.seats[name].invitation}
    )
    assert outcome == "connected", data
    return socket


async def self_test_alert(judge: SignalClient, socket: RawSocket, ack_id: int) -> int:
    """Who the server takes ``socket`` for: the participant its failed self-test names."""
    seen = len(judge.received["alert"])
    report = {"camera": ack_id % 2 == 0, "microphone": False, "network": "good"}
    assert await socket.call(ack_id, "self_test", report) == {"ok": True}
    await wait_until(lambda: len(judge.received["alert"]) > seen, 5, "the self-test alert")
    alert: dict[str, Any] = judge.received["alert"][-1]
    assert alert["kind"] == "self_test_failed", alert
    participant_id: int = alert["participant_id"]
    return participant_id


def trouble(logged: pytest.LogCaptureFixture) -> list[str]:
    """The errors and tracebacks logged."""
    return [
        f"{r.name} {r.levelname}: {r.getMessage()[:200]}"
        for r in logged.records
        if r.levelno >= logging.ERROR or r.exc_info is not None
    ]


async def test_a_socket_cannot_become_someone_else_by_emitting_connect_or_disconnect(
    courtroom: Courtroom, session: aiohttp.ClientSession, logged: pytest.LogCaptureFixture
) -> None:
    judge = await judge_present(courtroom)
    socket = await party(courtroom, session, "party_a")
    party_a, party_b = courtroom.id("party_a"), courtroom.id("party_b")
    assert await self_test_alert(judge, socket, 1) == party_a
    presences = {m["id"]: m["presence"] for m in judge.room["members"]}
    assert presences[party_a] == "waiting" and presences[party_b] == "invited", presences
    someone_else = {
        "hearing_id": courtroom.hearing_id,
        "invitation": courtroom.seats["party_b"].invitation,
    }
    judge_cookie = {"HTTP_COOKIE": f"hs_session={courtroom.seats['judge'].cookie}"}
    attempts: list[list[Any]] = [
        ["connect", {}, someone_else],
        ["connect", judge_cookie, {"hearing_id": courtroom.hearing_id}],
        ["connect", "notadict"],
        ["connect"],
        ["disconnect"],
        ["disconnect", "client namespace disconnect"],
        ["connect_error", {"message": "x"}],
    ]
    replies = [await socket.call(n, *attempt) for n, attempt in enumerate(attempts, start=10)]
    # a second namespace connection on the same socket is refused by socket.io itself
    outcome, _ = await socket.join(someone_else)
    assert outcome == "refused"
    assert await self_test_alert(judge, socket, 2) == party_a
    await asyncio.sleep(0.3)
    assert [a for a in judge.received["alert"] if a["kind"] == "dropped"] == []
    assert {m["id"]: m["presence"] for m in judge.room["members"]} == presences
    assert not socket.closed
    assert [r and r.get("error", {}).get("code") for r in replies] == ["reserved_event"] * len(
        attempts
    ), replies
    assert trouble(logged) == []
    assert len(logged.records) <= 5, [r.getMessage() for r in logged.records]
    await judge.sio.disconnect()


async def test_malformed_packets_cost_a_few_short_lines_and_nobody_their_connection(
    courtroom: Courtroom, session: aiohttp.ClientSession, logged: pytest.LogCaptureFixture
) -> None:
    judge = await judge_present(courtroom)
    stranger = await RawSocket.open(session, courtroom.url)  # no credentials at all
    member = await party(courtroom, session, "party_a")
    for _ in range(1_000 // len(HOSTILE_FRAMES) + 1):
        for frame in HOSTILE_FRAMES:
            await stranger.send(frame)
            await member.send(frame)
    # both still answered, in order after the flood
    outcome, data = await stranger.join({"hearing_id": courtroom.hearing_id})
    assert outcome == "refused" and data["data"]["code"] == "unauthenticated", data
    assert await self_test_alert(judge, member, 1) == courtroom.id("party_a")
    await asyncio.sleep(0.5)  # anything still queued gets logged by now
    assert not stranger.closed and not member.closed
    assert judge.connected
    assert trouble(logged) == []
    assert len(logged.records) <= 10, [r.getMessage()[:200] for r in logged.records]
    assert all(len(r.getMessage()) < 300 for r in logged.records), [
        r.getMessage() for r in logged.records
    ]
    assert [a for a in judge.received["alert"] if a["kind"] == "dropped"] == []
    await judge.sio.disconnect()


async def test_a_bad_event_packet_with_an_ack_id_is_answered(
    courtroom: Courtroom, session: aiohttp.ClientSession, logged: pytest.LogCaptureFixture
) -> None:
    member = await party(courtroom, session, "party_a")
    for number, body in enumerate(['"self_test"', "[]", "[1]", '[{"a":1}]', "[null]"], start=1):
        await member.send(f"42/hearing,{number}{body}")
        reply = await member.ack(number)
        assert reply["error"]["code"] == "invalid_payload", (body, reply)
    assert trouble(logged) == []


@pytest.mark.parametrize(
    "hearing_id", [10**30, 2**63, 2**31, True, False, 0, -1, 1.0, "1", None, [1]]
)
async def test_a_hearing_id_out_of_range_is_refused_at_once(
    courtroom: Courtroom,
    session: aiohttp.ClientSession,
    logged: pytest.LogCaptureFixture,
    hearing_id: Any,
) -> None:
    socket = await RawSocket.open(session, courtroom.url, cookie=courtroom.seats["judge"].cookie)
    outcome, data = await socket.join({"hearing_id": hearing_id})
    assert outcome == "refused" and data["data"]["code"] == "bad_auth", data
    assert trouble(logged) == []


@pytest.mark.parametrize(
    "auth",
    [
        {"invitation": 7},
        {"invitation": "x" * 10_000},
        {"offers_first": "yes"},
    ],
)
async def test_bad_auth_fields_are_refused(
    courtroom: Courtroom,
    session: aiohttp.ClientSession,
    logged: pytest.LogCaptureFixture,
    auth: dict[str, Any],
) -> None:
    socket = await RawSocket.open(session, courtroom.url)
    outcome, data = await socket.join({"hearing_id": courtroom.hearing_id, **auth})
    assert outcome == "refused" and data["data"]["code"] == "bad_auth", data
    assert trouble(logged) == []


@pytest.mark.parametrize(
    ("invitation", "code"),
    [
        ("\ud800", "bad_auth"),  # a lone surrogate: not even text
        ("токен", "invitation_invalid"),
        ("a b", "invitation_invalid"),
        ("a%2Fb", "invitation_invalid"),
    ],
)
async def test_an_invitation_no_token_could_be_is_refused(
    courtroom: Courtroom,
    session: aiohttp.ClientSession,
    logged: pytest.LogCaptureFixture,
    invitation: str,
    code: str,
) -> None:
    socket = await RawSocket.open(session, courtroom.url)
    outcome, data = await socket.join(
        {"hearing_id": courtroom.hearing_id, "invitation": invitation}
    )
    assert outcome == "refused" and data["data"]["code"] == code, data
    assert trouble(logged) == []


async def other_hearing_participant(judge: Caller) -> int:
    """A party of another hearing of the same court."""
    hearing = await schedule_hearing(
        judge, "(2026)A民初7号", title="另案", scheduled_start="2026-01-05T09:00:00+08:00"
    )
    created = await invite(judge, hearing["id"], name="赵七", side="plaintiff")
    participant_id: int = created["participant"]["id"]
    return participant_id


async def test_bench_events_naming_someone_of_another_hearing_are_not_found(
    courtroom: Courtroom, judge: Caller, logged: pytest.LogCaptureFixture
) -> None:
    bench = await judge_present(courtroom)
    assert await bench.call("open") == {"ok": True}
    stranger = await other_hearing_participant(judge)
    for event, payload in [
        ("mute", {"participant_id": stranger}),
        ("remove", {"participant_id": stranger}),
        (
            "verify_identity",
            {"participant_id": stranger, "document_type": "passport", "digits": "1234"},
        ),
        ("send_back", {"participant_id": stranger}),
        ("admit", {"participant_id": stranger}),
        ("message", {"to": stranger, "text": "hello"}),
    ]:
        reply = await bench.call(event, payload)
        assert reply.get("error", {}).get("code") == "not_found", (event, reply)
    for payload in [
        {"participant_id": True},
        {"participant_id": 2**63},
        {"participant_id": 10**30},
        {"participant_id": 0},
        {"participant_id": "5"},
    ]:
        reply = await bench.call("mute", payload)
        assert reply.get("error", {}).get("code") == "invalid_payload", (payload, reply)
    reply = await bench.call("message", {"to": True, "text": "hello"})
    assert reply.get("error", {}).get("code") == "invalid_payload", reply
    assert trouble(logged) == []
    await bench.sio.disconnect()


async def test_long_polling_is_not_served(
    courtroom: Courtroom, session: aiohttp.ClientSession
) -> None:
    """Every client of ours uses the websocket; polling would be a second decoding path."""
    async with session.get(f"{courtroom.url}/socket.io/?EIO=4&transport=polling") as response:
        assert response.status == 400
    socket = await RawSocket.open(session, courtroom.url)
    outcome, data = await socket.join({"hearing_id": courtroom.hearing_id})
    assert outcome == "refused" and data["data"]["code"] == "unauthenticated", data
