"""Retrieving recordings: who may, byte ranges a browser seeks with, downloads, the audit
trail, and the seal checked by endpoint and command, on real files and both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from aiohttp import ClientResponse
from argon2 import PasswordHasher
from sqlalchemy import select

from config import Settings
from court.roles import Role
from hearing_server.api import recording_links
from hearing_server.auth import Principal, PrincipalKind
from hearing_server.db.database import Database
from hearing_server.db.models import (
    AuditEntry,
    Participant,
    Recording,
    RecordingGrant,
    User,
)
from tests.callers import PASSWORD, Caller, NewCaller, World, holder, invite, schedule_hearing
from tests.sealed_recording import CASE_NUMBER, Sealed, make_archive_mp4, run_verify


@pytest.fixture(scope="module")
def archive_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """One second of real H.264 with two chapters."""
    return make_archive_mp4(
        tmp_path_factory.mktemp("mp4") / "archive.mp4",
        [(0, 400, "法庭调查 Investigation"), (400, 1000, "法庭辩论 Debate")],
        width=64,
        height=64,
        frames=10,
    )


async def fetch(caller: Caller, path: str, **headers: str) -> ClientResponse:
    if caller.invitation:
        headers["Authorization"] = f"Invitation {caller.invitation}"
    return await caller.client.get("/api/v1" + path, headers=headers)


async def colleague(new_caller: NewCaller, database: Database, world: World) -> Caller:
    """Another judge of the same court, on no case of this test."""
    async with database.session() as db:
        db.add(
            User(
                username="judge_c",
                display_name="陪审法官",
                role=Role.JUDGE,
                court_id=world.court_id,
                password_hash=PasswordHasher(time_cost=1, memory_cost=1024).hash(PASSWORD),
            )
        )
        await db.commit()
    caller = await new_caller()
    await caller.login("judge_c")
    return caller


async def audit_rows(database: Database, action: str) -> list[AuditEntry]:
    async with database.session() as db:
        return list(
            await db.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


async def test_judges_retrieve_their_own_cases_and_clerks_their_court(
    sealed: Sealed,
    judge: Caller,
    clerk: Caller,
    other_judge: Caller,
    admin: Caller,
    new_caller: NewCaller,
    database: Database,
    world: World,
) -> None:
    path = f"/recordings/{sealed.recording_id}"
    for staff in (judge, clerk):
        assert (await staff.call("GET", path))["case_number"] == CASE_NUMBER
        assert [r["id"] for r in (await staff.call("GET", "/recordings"))["items"]] == [
            sealed.recording_id
        ]
        assert (await fetch(staff, path + "/archive")).status == 200
    status, _ = await other_judge.status("GET", path)
    assert status == 404  # another court's recording is not even there for them
    assert (await other_judge.call("GET", "/recordings"))["total"] == 0
    status, body = await admin.status("GET", path)
    assert status == 403 and "retrieve_recordings" in body["error"]["message"]

    same_court = await colleague(new_caller, database, world)
    status, body = await same_court.status("GET", path)
    assert status == 403 and "own cases" in body["error"]["message"]
    assert (await fetch(same_court, path + "/archive")).status == 403
    assert (await same_court.call("GET", "/recordings"))["total"] == 0
    async with database.session() as db:
        colleague_id = await db.scalar(select(User.id).where(User.username == "judge_c"))
    await judge.call(
        "POST",
        f"/hearings/{sealed.hearing_id}/participants",
        {"role": "judge", "name": "陪审法官", "user_id": colleague_id},
        expect=201,
    )
    assert (await same_court.call("GET", path))["id"] == sealed.recording_id  # sits on the panel
    assert (await same_court.call("GET", "/recordings"))["total"] == 1


async def test_parties_retrieve_only_what_the_court_granted(
    sealed: Sealed, judge: Caller, clerk: Caller, new_caller: NewCaller, database: Database
) -> None:
    path = f"/recordings/{sealed.recording_id}"
    party = sealed.party
    status, body = await party.status("GET", path)
    assert status == 403 and body["error"]["code"] == "not_granted"
    assert (await fetch(party, path + "/archive")).status == 403
    assert (await party.call("GET", "/recordings"))["total"] == 0

    granted = await clerk.call(
        "POST", path + "/grants", {"participant_id": sealed.party_id}, expect=201
    )
    assert granted["grant"]["name"] == "张三" and granted["invitation"] is None
    await clerk.call("POST", path + "/grants", {"participant_id": sealed.party_id}, expect=409)
    detail = await party.call("GET", path)
    assert detail["files"] is None and detail["grants"] is None  # the bench's business
    assert detail["time_zone"] == "Asia/Shanghai"  # a party has no session saying so
    response = await fetch(party, path + "/archive")
    assert response.status == 200 and await response.read() == sealed.archive
    assert [r["id"] for r in (await party.call("GET", "/recordings"))["items"]] == [
        sealed.recording_id
    ]
    status, _ = await party.status("POST", path + "/grants", {"participant_id": sealed.party_id})
    assert status == 403  # a party cannot grant

    # A party of another hearing does not see this recording at all.
    other = await schedule_hearing(judge, "(2026)浙0402民初9号")
    stranger = await holder(
        new_caller, (await invite(judge, other["id"], name="李四"))["invitation"]["token"]
    )
    assert (await stranger.status("GET", path))[0] == 404

    await judge.call("DELETE", f"{path}/grants/{sealed.party_id}", expect=204)
    assert (await party.status("GET", path))[0] == 403
    await judge.call("DELETE", f"{path}/grants/{sealed.party_id}", expect=404)


@pytest.mark.parametrize("role", ["witness", "observer"])
async def test_witnesses_and_observers_never_retrieve(
    role: str, sealed: Sealed, clerk: Caller, new_caller: NewCaller, database: Database
) -> None:
    path = f"/recordings/{sealed.recording_id}"
    created = await invite(clerk, sealed.hearing_id, role=role, name="王五")
    person = await holder(new_caller, created["invitation"]["token"])
    pid = created["participant"]["id"]
    status, body = await clerk.status("POST", path + "/grants", {"participant_id": pid})
    assert status == 422 and f"a {role} never retrieves" in body["error"]["message"]
    async with database.session() as db:  # even a grant slipped into the database
        db.add(RecordingGrant(recording_id=sealed.recording_id, participant_id=pid, granted_by="x"))
        await db.commit()
    for target in (path, path + "/archive", "/recordings"):
        assert (await fetch(person, target)).status == 403, target


async def test_a_grant_can_come_with_a_new_link_after_the_hearing(
    sealed: Sealed, judge: Caller, new_caller: NewCaller
) -> None:
    path = f"/recordings/{sealed.recording_id}"
    granted = await judge.call(
        "POST",
        path + "/grants",
        {"participant_id": sealed.party_id, "invitation_hours": 48},
        expect=201,
    )
    fresh = await holder(new_caller, granted["invitation"]["token"])
    assert (await fresh.call("GET", path))["id"] == sealed.recording_id
    assert (await sealed.party.status("GET", path))[1]["error"]["code"] == "invitation_invalid"
    detail = await judge.call("GET", path)
    assert [g["participant_id"] for g in detail["grants"]] == [sealed.party_id]


async def test_terminals_and_bench_members_get_no_grants(
    sealed: Sealed, clerk: Caller, new_caller: NewCaller, world: World
) -> None:
    path = f"/recordings/{sealed.recording_id}"
    people = await clerk.call("GET", f"/hearings/{sealed.hearing_id}/participants")
    judge_seat = next(p["id"] for p in people["items"] if p["role"] == "judge")
    status, body = await clerk.status("POST", path + "/grants", {"participant_id": judge_seat})
    assert status == 422 and "without a grant" in body["error"]["message"]
    terminal = await new_caller()
    await terminal.terminal_login(world.terminal_id)
    status, body = await terminal.status("GET", "/recordings")
    assert status == 403 and "terminal" in body["error"]["message"]


async def test_detail_has_timeline_chapters_seal_and_files_for_clerks(
    sealed: Sealed, judge: Caller, clerk: Caller, settings: Settings
) -> None:
    path = f"/recordings/{sealed.recording_id}"
    detail = await clerk.call("GET", path)
    kinds = [(e["kind"], e["to_value"]) for e in detail["timeline"]]
    assert ("phase", "investigation") in kinds and ("state", "recess") in kinds
    assert ("admitted", "in_hearing") in kinds and ("identity_verified", None) in kinds
    assert "message" not in {kind for kind, _ in kinds}  # private, not part of the record
    verified = next(e for e in detail["timeline"] if e["kind"] == "identity_verified")
    assert verified["participant_name"] == "张三"
    assert detail["chapters_source"] == "archive"
    assert [c["title"] for c in detail["chapters"]] == ["法庭调查 Investigation", "法庭辩论 Debate"]
    assert detail["chapters"][1]["start_seconds"] == pytest.approx(0.4)
    manifest = json.loads((settings.recordings_dir / sealed.prefix / "manifest.json").read_text())
    assert detail["seal"] == {
        "sealed": True,
        "sealed_at": manifest["sealed_at"],
        "verification_code": manifest["verification_code"],
    }
    assert detail["archive"]["bytes"] == len(sealed.archive)
    assert {f["kind"] for f in detail["files"]} == {"segment", "archive", "manifest"}
    assert (await judge.call("GET", path))["files"] is None  # segments: clerks only


async def test_chapters_come_from_the_timeline_before_the_archive_exists(
    sealed: Sealed, judge: Caller, database: Database
) -> None:
    async with database.session() as db:
        recording = await db.get(Recording, sealed.recording_id)
        assert recording is not None
        recording.archive_path = recording.archive_sha256 = None
        recording.state = "finalizing"
        await db.commit()
    detail = await judge.call("GET", f"/recordings/{sealed.recording_id}")
    assert detail["chapters_source"] == "timeline" and detail["archive"] is None
    assert [(c["title"], c["start_seconds"], c["end_seconds"]) for c in detail["chapters"]] == [
        ("investigation", 30.0, 150.0),
        ("debate", 150.0, 300.0),
    ]
    status, body = await judge.status("GET", f"/recordings/{sealed.recording_id}/archive")
    assert status == 409 and body["error"]["code"] == "not_ready"


async def test_byte_ranges_let_a_browser_seek(sealed: Sealed, judge: Caller) -> None:
    path = f"/recordings/{sealed.recording_id}/archive"
    data, size = sealed.archive, len(sealed.archive)

    whole = await fetch(judge, path)
    assert whole.status == 200 and await whole.read() == data
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.content_type == "video/mp4"
    assert whole.headers["Content-Length"] == str(size)
    etag = whole.headers["ETag"]

    for header, start, end in [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, size - 1),
        ("bytes=-100", size - 100, size - 1),
        (f"bytes=10-{size * 10}", 10, size - 1),
    ]:
        part = await fetch(judge, path, Range=header)
        assert part.status == 206, header
        assert await part.read() == data[start : end + 1], header
        assert part.headers["Content-Range"] == f"bytes {start}-{end}/{size}"
        assert part.headers["Content-Length"] == str(end - start + 1)

    for header in (f"bytes={size}-", "bytes=5-2", "bytes=-0", "bytes=x-1"):
        refused = await fetch(judge, path, Range=header)
        assert refused.status == 416, header
        assert refused.headers["Content-Range"] == f"bytes */{size}"
        assert (await refused.json())["error"]["code"] == "range_not_satisfiable"

    for header, extra in [
        ("items=0-9", {}),
        ("bytes=0-1,5-6", {}),
        ("bytes=0-9", {"If-Range": '"stale"'}),
    ]:
        full = await fetch(judge, path, Range=header, **extra)
        assert full.status == 200 and len(await full.read()) == size, header
    same = await fetch(judge, path, Range="bytes=0-9", **{"If-Range": etag})
    assert same.status == 206


async def test_download_is_named_after_the_case(sealed: Sealed, judge: Caller) -> None:
    path = f"/recordings/{sealed.recording_id}/archive"
    download = await fetch(judge, path + "?download=1")
    disposition = download.headers["Content-Disposition"]
    name = f"{CASE_NUMBER} 2026-03-02 庭审录像 {sealed.recording_id}.mp4"
    assert disposition.startswith('attachment; filename="hearing-')
    assert disposition.endswith(f"filename*=UTF-8''{quote(name, safe='')}")
    assert (await fetch(judge, path)).headers["Content-Disposition"].startswith("inline;")


async def test_every_access_is_audited(
    sealed: Sealed, judge: Caller, clerk: Caller, database: Database
) -> None:
    path = f"/recordings/{sealed.recording_id}"
    before = datetime.now(UTC)
    await judge.call("GET", "/recordings?case_number=0402")
    await judge.call("GET", path)
    await (await fetch(judge, path + "/archive", Range="bytes=0-99")).read()
    await (await fetch(judge, path + "/archive?download=true")).read()
    await clerk.call("GET", path + "/verify")
    await clerk.call("POST", path + "/grants", {"participant_id": sealed.party_id}, expect=201)
    await clerk.call("DELETE", f"{path}/grants/{sealed.party_id}", expect=204)
    expected = {
        "search_recordings": "judge",
        "view_recording": "judge",
        "stream_recording": "judge",
        "download_recording": "judge",
        "verify_recording": "clerk",
        "grant_recording_access": "clerk",
        "revoke_recording_access": "clerk",
    }
    for action, who in expected.items():
        rows = await audit_rows(database, action)
        assert len(rows) == 1, action
        row = rows[0]
        assert row.actor.startswith("user:") and row.actor.endswith(f":{who}"), action
        assert row.ip == "127.0.0.1" and row.at >= before - timedelta(seconds=1)
        if action != "search_recordings":
            assert row.object_type == "recording" and row.object_id == str(sealed.recording_id)
    stream = (await audit_rows(database, "stream_recording"))[0]
    assert stream.detail == {
        "range": f"bytes 0-99/{len(sealed.archive)}",
        "bytes": 100,
        "via": "credentials",
    }
    download = (await audit_rows(database, "download_recording"))[0]
    assert download.detail is not None and download.detail["bytes"] == len(sealed.archive)
    search = (await audit_rows(database, "search_recordings"))[0]
    assert search.detail is not None and search.detail["case_number"] == "0402"


async def test_search_by_case_number_date_and_party(sealed: Sealed, clerk: Caller) -> None:
    async def found(query: str) -> list[int]:
        return [r["id"] for r in (await clerk.call("GET", "/recordings?" + query))["items"]]

    mine = [sealed.recording_id]
    assert await found("case_number=" + quote("民初1234")) == mine
    assert await found("case_number=" + quote("民初9999")) == []
    assert await found("date=2026-03-02") == mine  # 09:30 in Shanghai
    assert await found("date=2026-03-01") == []
    assert await found("party=" + quote("张")) == mine
    assert await found("party=" + quote("%")) == []  # LIKE wildcards are matched literally
    assert await found("limit=1&offset=1") == []
    assert (await clerk.status("GET", "/recordings?limit=0"))[0] == 422


async def test_verify_endpoint_names_what_changed(
    sealed: Sealed, clerk: Caller, settings: Settings
) -> None:
    path = f"/recordings/{sealed.recording_id}/verify"
    intact = await clerk.call("GET", path)
    assert intact["ok"] and intact["key_trusted"] and intact["problems"] == []
    assert (intact["files"], intact["entries"]) == (3, 5)
    folder = settings.recordings_dir / sealed.prefix

    segment = folder / "judge-video-00000.mkv"
    original = segment.read_bytes()
    segment.write_bytes(original[:3] + bytes([original[3] ^ 1]) + original[4:])
    changed = await clerk.call("GET", path)
    assert not changed["ok"]
    assert [(p["kind"], p["subject"]) for p in changed["problems"]] == [
        ("file_changed", f"{sealed.prefix}/judge-video-00000.mkv")
    ]
    segment.write_bytes(original)

    manifest_file = folder / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["entries"][0]["data"]["event"] = "nothing happened"
    manifest_file.write_text(json.dumps(manifest))
    edited = await clerk.call("GET", path)
    assert [(p["kind"], p["subject"]) for p in edited["problems"]] == [
        ("entry_changed", "entry 0 (nothing happened)")
    ]
    assert edited["verification_code"] == intact["verification_code"]  # the header is intact


async def test_verify_command_exits_1_naming_the_changed_file(
    sealed: Sealed, settings: Settings
) -> None:
    manifest = str(settings.recordings_dir / sealed.prefix / "manifest.json")
    for target in (str(sealed.hearing_id), manifest):
        code, output = await run_verify(settings, target)
        assert code == 0 and "OK: 3 files intact" in output and "server's key" in output, output
    (settings.recordings_dir / sealed.prefix / "party-audio-00000.mkv").write_bytes(b"b")
    code, output = await run_verify(settings, str(sealed.hearing_id))
    assert code == 1 and f"CHANGED file_changed: {sealed.prefix}/party-audio-00000.mkv" in output
    code, output = await run_verify(settings, "999999")
    assert code == 2 and "no sealed recording" in output


async def test_unsealed_recording_and_missing_archive_are_explained(
    sealed: Sealed, judge: Caller, database: Database, settings: Settings
) -> None:
    (settings.recordings_dir / sealed.prefix / "archive.mp4").unlink()
    status, body = await judge.status("GET", f"/recordings/{sealed.recording_id}/archive")
    assert status == 404 and body["error"]["code"] == "archive_missing"
    async with database.session() as db:
        recording = await db.get(Recording, sealed.recording_id)
        assert recording is not None
        recording.manifest_path = None
        await db.commit()
    status, body = await judge.status("GET", f"/recordings/{sealed.recording_id}/verify")
    assert status == 409 and body["error"]["code"] == "not_sealed"


async def test_a_signed_link_lets_a_video_element_seek_without_credentials(
    sealed: Sealed, clerk: Caller, anon: Caller, database: Database, settings: Settings
) -> None:
    path = f"/recordings/{sealed.recording_id}"
    party, data = sealed.party, sealed.archive
    status, body = await party.status("POST", path + "/archive/link")
    assert status == 403 and body["error"]["code"] == "not_granted"
    await clerk.call("POST", path + "/grants", {"participant_id": sealed.party_id}, expect=201)
    link = await party.call("POST", path + "/archive/link", expect=201)
    url = link["url"]
    assert url.startswith(f"/api/v1{path}/archive?")
    expires = datetime.fromisoformat(link["expires_at"])
    assert timedelta(minutes=1) < expires - datetime.now(UTC) <= timedelta(minutes=5)

    # a media element sends no credentials, and seeks with ranges of its own
    part = await anon.client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status == 206 and await part.read() == data[100:200]
    whole = await anon.client.get(url + "&download=true")
    assert whole.status == 200 and await whole.read() == data
    assert whole.headers["Content-Disposition"].startswith("attachment;")
    assert (await fetch(anon, path + "/archive")).status == 401  # not without the link

    # every use is audited under the name of whom the link was made for
    made = await audit_rows(database, "link_recording")
    uses = await audit_rows(database, "stream_recording")
    assert [r.actor for r in made] == [f"participant:{sealed.party_id}:张三"]
    assert [(r.actor, r.ip) for r in uses] == [(made[0].actor, "127.0.0.1")]
    assert uses[0].detail is not None and uses[0].detail["via"] == "signed_link"
    assert uses[0].detail["range"] == f"bytes 100-199/{len(data)}"
    assert [
        r.detail and r.detail["via"] for r in await audit_rows(database, "download_recording")
    ] == ["signed_link"]

    # changed, partial, moved to another recording, or made for someone else: refused
    query = dict(part.url.query)
    signature = query["signature"]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    archive = f"/api/v1{path}/archive"
    for target, params in [
        (archive, {**query, "signature": flipped}),
        (archive, {**query, "by": "user:1"}),
        (archive, {**query, "expires": str(int(query["expires"]) + 3600)}),
        (archive, {"by": query["by"]}),
        (archive, {**query, "by": "participant:x"}),
        (f"/api/v1/recordings/{sealed.recording_id + 1}/archive", query),
    ]:
        refused = await anon.client.get(target, params=params)
        assert refused.status == 403, params
        assert (await refused.json())["error"]["code"] == "link_invalid", params

    # expired
    secret = recording_links.secret(settings.signing_key_path)
    who = Principal(PrincipalKind.PARTICIPANT, sealed.party_id, Role.PARTY, "张三")
    stale, _ = recording_links.signed_query(
        secret, sealed.recording_id, who, datetime.now(UTC).timestamp() - 600
    )
    expired = await anon.client.get(f"{archive}?{stale}")
    assert expired.status == 403
    error = (await expired.json())["error"]
    assert error["code"] == "link_expired" and "expired at" in error["message"]

    # the court withdraws its leave: the link stops working at once
    await clerk.call("DELETE", f"{path}/grants/{sealed.party_id}", expect=204)
    withdrawn = await anon.client.get(url)
    assert withdrawn.status == 403
    assert (await withdrawn.json())["error"]["code"] == "not_granted"
    assert len(await audit_rows(database, "stream_recording")) == 1, "refusals stream nothing"


async def test_a_signed_link_ends_with_the_invitation_it_was_made_with(
    sealed: Sealed, clerk: Caller, anon: Caller, database: Database
) -> None:
    """A link stands for its holder's invitation: once that expires it no longer reaches the
    recording, as the invitation itself no longer does (a grant can come with a new one)."""
    path = f"/recordings/{sealed.recording_id}"
    await clerk.call("POST", path + "/grants", {"participant_id": sealed.party_id}, expect=201)
    url = (await sealed.party.call("POST", path + "/archive/link", expect=201))["url"]
    before = await anon.client.get(url)
    assert before.status == 200 and await before.read() == sealed.archive
    async with database.session() as db:
        party = await db.get(Participant, sealed.party_id)
        assert party is not None
        party.invitation_expires_at = datetime.now(UTC) - timedelta(seconds=1)
        await db.commit()
    assert (await sealed.party.status("GET", path))[1]["error"]["code"] == "invitation_expired"
    expired = await anon.client.get(url)
    assert expired.status == 403
    assert (await expired.json())["error"]["code"] == "link_invalid"
