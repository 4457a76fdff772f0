"""Public broadcast over REST on both databases: the court's public page lists only the hearings
it broadcasts, with the case's number and cause and never its title; a hearing not broadcast has
no page (the same 404 as one that does not exist); the presiding judge cuts and resumes a live
broadcast, on the timeline; out-of-order, malformed and wrong-person requests get a clear 4xx,
and the live files' path serves nothing but a playlist or a segment of a broadcast hearing."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hearing_server.broadcasts import hearing_output
from hearing_server.db.database import Database
from hearing_server.db.models import HearingEvent
from hearing_server.keys import SETTINGS
from tests.callers import Caller, NewCaller, World, holder, invite
from tests.functional.test_outcomes_api import live

CAUSE = "买卖合同纠纷"


async def public_hearing(judge: Caller, number: str, public: bool = True, **case: str) -> int:
    made = await judge.call(
        "POST",
        "/cases",
        {"number": number, "title": "张三诉李四买卖合同纠纷", "kind": "civil_trial", **case},
        expect=201,
    )
    hearing = await judge.call(
        "POST",
        f"/cases/{made['id']}/hearings",
        {"scheduled_start": datetime.now(UTC).isoformat(), "public": public},
        expect=201,
    )
    hearing_id: int = hearing["id"]
    return hearing_id


async def test_the_public_sees_only_what_is_broadcast_and_nothing_more(
    judge: Caller, new_caller: NewCaller, world: World
) -> None:
    shown = await public_hearing(judge, "(2026)京0105民初1号", cause=CAUSE)
    private = await public_hearing(judge, "(2026)京0105民初2号", public=False)
    anyone = await new_caller()

    listed = await anyone.call("GET", f"/public/courts/{world.court_id}/hearings")
    assert [item["id"] for item in listed["items"]] == [shown]
    [item] = listed["items"]
    assert item["case_number"] == "(2026)京0105民初1号" and item["cause"] == CAUSE
    assert (item["state"], item["slate"], item["playlist"]) == ("scheduled", "not_started", None)
    assert item["kind_label"] == ["民事庭审", "Civil trial"]
    assert "张三" not in str(listed)  # the title names the parties: never public
    other = await anyone.call("GET", f"/public/courts/{world.other_court_id}/hearings")
    assert other["items"] == []

    page = await anyone.call("GET", f"/public/hearings/{shown}")
    assert page["id"] == shown and page["court"] == listed["court"]
    status, missing = await anyone.status("GET", "/public/hearings/999999")
    status_private, hidden = await anyone.status("GET", f"/public/hearings/{private}")
    assert status == status_private == 404
    assert missing["error"]["code"] == hidden["error"]["code"] == "not_found"
    assert hidden["error"]["message"] == missing["error"]["message"].replace("999999", str(private))
    assert "details" not in hidden["error"]
    assert (await anyone.status("GET", "/public/courts/999999/hearings"))[0] == 404
    for bad in ("/public/hearings/0", "/public/hearings/-1", "/public/hearings/x"):
        assert (await anyone.status("GET", bad))[0] == 404, bad


async def test_the_live_files_path_serves_only_playlists_and_segments_of_broadcasts(
    judge: Caller, new_caller: NewCaller
) -> None:
    shown = await public_hearing(judge, "(2026)京0105民初3号")
    private = await public_hearing(judge, "(2026)京0105民初4号", public=False)
    anyone = await new_caller()
    names = (
        "index.m3u8",  # not begun: none yet
        "seg-00000.ts",
        "seg-1.ts",
        "seg-1234567890.ts",
        "index.m3u8.tmp",
        "..%2f..%2fkeys%2farchive-ed25519.pem",
        "%2e%2e",
        "a" * 300,
    )
    for hearing_id in (shown, private, 999999):
        for name in names:
            response = await anyone.client.get(f"/public/hearings/{hearing_id}/live/{name}")
            assert response.status == 404, (hearing_id, name)
            assert (await response.json())["error"]["code"] == "not_found"


async def broadcast_folder(judge: Caller, server: TestServer, number: str) -> tuple[int, Path]:
    """A public hearing and the folder its live files are served from, made (empty)."""
    shown = await public_hearing(judge, number)
    folder = hearing_output(server.app[SETTINGS], shown)
    folder.mkdir(parents=True)
    return shown, folder


async def test_the_live_files_are_served_as_written_with_caching_headers(
    judge: Caller, new_caller: NewCaller, server: TestServer
) -> None:
    shown, folder = await broadcast_folder(judge, server, "(2026)京0105民初5号")
    segment = bytes(range(188)) * 40
    (folder / "seg-00000.ts").write_bytes(segment)
    (folder / "index.m3u8").write_bytes(b"#EXTM3U\n#EXTINF:2.0,\nseg-00000.ts\n")
    (folder / "seg-00001.ts").mkdir()  # not a file: nothing to serve
    anyone = await new_caller()
    base = f"/public/hearings/{shown}/live"

    response = await anyone.client.get(f"{base}/seg-00000.ts")
    assert response.status == 200 and await response.read() == segment
    assert response.headers["Content-Type"] == "video/mp2t"
    assert response.headers["Cache-Control"] == "public, max-age=86400, immutable"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    etag = response.headers["ETag"]
    again = await anyone.client.get(f"{base}/seg-00000.ts", headers={"If-None-Match": etag})
    assert again.status == 304 and await again.read() == b""

    playlist = await anyone.client.get(f"{base}/index.m3u8")
    assert playlist.headers["Content-Type"] == "application/vnd.apple.mpegurl"
    assert playlist.headers["Cache-Control"] == "public, max-age=1"
    assert await playlist.read() == b"#EXTM3U\n#EXTINF:2.0,\nseg-00000.ts\n"
    # the next playlist, renamed into place as the muxer does: served at once, a new ETag
    (folder / "index.m3u8.tmp").write_bytes(b"#EXTM3U\n#EXTINF:2.0,\nseg-00001.ts\n")
    os.replace(folder / "index.m3u8.tmp", folder / "index.m3u8")
    stale = playlist.headers["ETag"]
    fresh = await anyone.client.get(f"{base}/index.m3u8", headers={"If-None-Match": stale})
    assert fresh.status == 200 and await fresh.read() == b"#EXTM3U\n#EXTINF:2.0,\nseg-00001.ts\n"
    assert (await anyone.client.get(f"{base}/seg-00001.ts")).status == 404
    # past segment 99999 (55 h of 2-s segments) the muxer writes six digits
    (folder / "seg-100000.ts").write_bytes(segment)
    assert (await anyone.client.get(f"{base}/seg-100000.ts")).status == 200


def low_latency_playlist(segments: int, parts: int, ended: bool = False) -> bytes:
    """A playlist as the writer makes it: `segments` whole, then `parts` of the next."""
    lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:1", "#EXT-X-PART-INF:PART-TARGET=0.400"]
    for number in range(segments):
        lines += [f'#EXT-X-PART:DURATION=0.4,URI="seg-{number:05d}.0.ts"', "#EXTINF:1.0,"]
        lines.append(f"seg-{number:05d}.ts")
    lines += [f'#EXT-X-PART:DURATION=0.4,URI="seg-{segments:05d}.{k}.ts"' for k in range(parts)]
    return ("\n".join(lines + (["#EXT-X-ENDLIST"] if ended else [])) + "\n").encode()


async def test_a_low_latency_player_s_reload_is_held_until_the_part_it_asks_for(
    judge: Caller, new_caller: NewCaller, server: TestServer
) -> None:
    shown, folder = await broadcast_folder(judge, server, "(2026)京0105民初6号")
    (folder / "index.m3u8").write_bytes(low_latency_playlist(2, 1))
    (folder / "seg-00002.0.ts").write_bytes(bytes(188))
    anyone = await new_caller()
    base = f"/public/hearings/{shown}/live/index.m3u8"

    part = await anyone.client.get(f"/public/hearings/{shown}/live/seg-00002.0.ts")
    assert part.status == 200 and part.headers["Cache-Control"].endswith("immutable")
    for query in (
        "_HLS_msn=x",
        "_HLS_part=1",  # a part of no segment
        "_HLS_msn=-1",
        "_HLS_msn=1234567890",
        "_HLS_msn=2&_HLS_part=1.5",
        "_HLS_msn=5",  # beyond the next two
    ):
        refused = await anyone.client.get(f"{base}?{query}")
        assert refused.status == 400, query
        assert (await refused.json())["error"]["code"] == "bad_request"

    named = await anyone.client.get(f"{base}?_HLS_msn=2&_HLS_part=0")  # there already
    assert named.status == 200 and b"seg-00002.0.ts" in await named.read()

    async def grow() -> None:
        await asyncio.sleep(0.3)
        (folder / "next.tmp").write_bytes(low_latency_playlist(2, 2))
        os.replace(folder / "next.tmp", folder / "index.m3u8")

    began = time.monotonic()
    grower = asyncio.create_task(grow())
    held = await anyone.client.get(f"{base}?_HLS_msn=2&_HLS_part=1")
    await grower
    assert held.status == 200 and b"seg-00002.1.ts" in await held.read()
    assert time.monotonic() - began >= 0.3
    assert held.headers["Cache-Control"] == "public, max-age=1"

    began = time.monotonic()
    late = await anyone.client.get(f"{base}?_HLS_msn=3")  # never written: 3 target durations
    assert late.status == 503 and 2.9 < time.monotonic() - began < 6
    (folder / "index.m3u8").write_bytes(low_latency_playlist(3, 0, ended=True))
    ended = await anyone.client.get(f"{base}?_HLS_msn=4")  # the end: answered at once
    assert ended.status == 200 and b"#EXT-X-ENDLIST" in await ended.read()


async def test_the_presiding_judge_cuts_and_resumes_a_live_broadcast(
    judge: Caller,
    clerk: Caller,
    other_judge: Caller,
    new_caller: NewCaller,
    server: TestServer,
    database: Database,
) -> None:
    hearing_id = await public_hearing(judge, "(2026)京0105民初5号", cause=CAUSE)
    party = await invite(judge, hearing_id)
    path = f"/hearings/{hearing_id}/broadcast"
    status, body = await judge.status("PUT", path, {"cut": True})  # not live
    assert (status, body["error"]["code"]) == (403, "forbidden")
    state = await clerk.call("GET", path)
    assert (state["broadcast"], state["cut"], state["events"]) == (True, False, [])
    assert state["page"] == f"/public/hearing/{hearing_id}"

    bench = await live(server, judge, hearing_id)
    try:
        malformed: object
        for malformed in ({}, {"cut": "yes"}, {"cut": None}, {"cut": True, "at": 0}, []):
            assert (await judge.status("PUT", path, malformed))[0] == 422, malformed
        assert (await clerk.status("PUT", path, {"cut": True}))[0] == 403
        assert (await other_judge.status("PUT", path, {"cut": True}))[0] == 404
        someone = await holder(new_caller, party["invitation"]["token"])
        assert (await someone.status("PUT", path, {"cut": True}))[0] == 403
        assert (await someone.status("GET", path))[0] == 403
        status, body = await judge.status("PUT", path, {"cut": False})
        assert (status, body["error"]["code"]) == (409, "broadcast_not_cut")

        cut = await judge.call("PUT", path, {"cut": True})
        assert cut["cut"] and [e["what"] for e in cut["events"]] == ["cut"]
        status, body = await judge.status("PUT", path, {"cut": True})
        assert (status, body["error"]["code"]) == (409, "broadcast_cut")
        anyone = await new_caller()
        page = await anyone.call("GET", f"/public/hearings/{hearing_id}")
        assert (page["state"], page["slate"]) == ("in_session", "cut")
        resumed = await judge.call("PUT", path, {"cut": False})
        assert not resumed["cut"]
        page = await anyone.call("GET", f"/public/hearings/{hearing_id}")
        assert (page["state"], page["slate"]) == ("in_session", None)
    finally:
        await bench.close()
    async with database.session() as db:
        events = list(
            await db.scalars(
                select(HearingEvent)
                .where(HearingEvent.hearing_id == hearing_id, HearingEvent.kind == "broadcast")
                .order_by(HearingEvent.id)
            )
        )
    assert [e.to_value for e in events] == ["cut", "resumed"]
    assert all(e.actor and "judge" in e.actor for e in events)


async def test_a_hearing_not_broadcast_cannot_be_cut(judge: Caller, server: TestServer) -> None:
    hearing_id = await public_hearing(judge, "(2026)京0105民初6号", public=False)
    bench = await live(server, judge, hearing_id)
    try:
        status, body = await judge.status("PUT", f"/hearings/{hearing_id}/broadcast", {"cut": True})
        assert (status, body["error"]["code"]) == (409, "not_broadcast")
    finally:
        await bench.close()


async def test_a_cause_of_action_is_checked_like_any_text(judge: Caller) -> None:
    for cause in ("", " ", "a\x00b", "x" * 101):
        status, _ = await judge.status(
            "POST",
            "/cases",
            {"number": "(2026)京0105民初7号", "title": "t", "kind": "civil_trial", "cause": cause},
        )
        assert status in (400, 422), cause  # a NUL is refused before the fields are read


async def test_the_bench_marks_a_hearing_public_or_not_before_it_opens(
    judge: Caller,
    clerk: Caller,
    other_judge: Caller,
    new_caller: NewCaller,
    server: TestServer,
    world: World,
) -> None:
    hearing_id = await public_hearing(judge, "(2026)京0105民初8号", public=False)
    path = f"/hearings/{hearing_id}/public"
    anyone = await new_caller()
    assert (await anyone.status("GET", f"/public/hearings/{hearing_id}"))[0] == 404
    made = await clerk.call("PUT", path, {"public": True})
    assert made["public"] is True
    assert (await anyone.call("GET", f"/public/hearings/{hearing_id}"))["id"] == hearing_id
    # a party asked that it stay off the public web
    assert (await judge.call("PUT", path, {"public": False}))["public"] is False
    assert (await anyone.status("GET", f"/public/hearings/{hearing_id}"))[0] == 404
    for malformed in ({}, {"public": 1}, {"public": "true"}, {"public": True, "why": "x"}):
        assert (await judge.status("PUT", path, malformed))[0] == 422, malformed
    assert (await other_judge.status("PUT", path, {"public": True}))[0] == 404
    party = await invite(judge, hearing_id)
    someone = await holder(new_caller, party["invitation"]["token"])
    assert (await someone.status("PUT", path, {"public": True}))[0] == 403
    mediation = await judge.call(
        "POST",
        "/cases",
        {"number": "(2026)京0105民调9号", "title": "调解", "kind": "mediation"},
        expect=201,
    )
    hearing = await judge.call(
        "POST",
        f"/cases/{mediation['id']}/hearings",
        {"scheduled_start": datetime.now(UTC).isoformat()},
        expect=201,
    )
    status, body = await judge.status("PUT", f"/hearings/{hearing['id']}/public", {"public": True})
    assert (status, body["error"]["code"]) == (422, "invalid_request")

    bench = await live(server, judge, hearing_id)  # once it has opened, it is settled
    try:
        status, body = await judge.status("PUT", path, {"public": True})
        assert (status, body["error"]["code"]) == (403, "forbidden")
    finally:
        await bench.close()
