"""Creditors invited in bulk from a CSV list (docs/architecture.md#votes): participants, invitation
links and claims made at once; a list with a bad row makes nothing and names every bad cell by
line and column; malformed, oversized and wrong-person requests get a clear 4xx; both databases."""

from __future__ import annotations

from tests.callers import Caller, NewCaller, holder, invite, schedule_hearing

LIST = (
    "名称,债权额,组别,联系方式\n"
    '甲银行,"1,200,000.50",有财产担保债权,010-12345678\n'
    "乙公司,3000,普通债权,yi@example.com\n"
    "王五,8000,职工债权,\n"
)


async def test_a_list_makes_creditors_their_links_and_claims(
    judge: Caller, new_caller: NewCaller
) -> None:
    hearing = await schedule_hearing(judge, "(2026)A破7号", kind="creditors_meeting")
    path = f"/hearings/{hearing['id']}/creditors/import"
    made = await judge.call("POST", path, {"csv": LIST}, expect=201)
    rows = [
        (i["line"], i["name"], i["amount_fen"], i["group"], i["contact"]) for i in made["items"]
    ]
    assert rows == [
        (2, "甲银行", 120_000_050, "secured", "010-12345678"),
        (3, "乙公司", 300_000, "ordinary", "yi@example.com"),
        (4, "王五", 800_000, "employees", ""),
    ]
    people = await judge.call("GET", f"/hearings/{hearing['id']}/participants")
    creditors = [p for p in people["items"] if p["role"] == "creditor"]
    assert [p["name"] for p in creditors] == ["甲银行", "乙公司", "王五"]
    claims = await judge.call("GET", f"/hearings/{hearing['id']}/claims")
    assert [(c["name"], c["amount_fen"]) for c in claims["items"]] == [
        ("甲银行", 120_000_050),
        ("乙公司", 300_000),
        ("王五", 800_000),
    ]
    bank = await holder(new_caller, made["items"][0]["invitation"]["token"])
    assert (await bank.call("GET", "/invitation/consent"))["consent"]["answer"] == "pending"


async def test_a_bad_list_makes_nothing_and_names_every_bad_cell(
    judge: Caller, new_caller: NewCaller
) -> None:
    hearing = await schedule_hearing(judge, "(2026)A破8号", kind="creditors_meeting")
    path = f"/hearings/{hearing['id']}/creditors/import"
    bad = LIST + "丙公司,12.345,普通债权,\n,100,朋友,\n"
    status, body = await judge.status("POST", path, {"csv": bad})
    assert (status, body["error"]["code"]) == (422, "bad_rows")
    assert [(d["line"], d["column"], d["code"]) for d in body["error"]["details"]] == [
        (5, "claim", "claim"),
        (6, "name", "name"),
        (6, "group", "group"),
    ]
    assert "元" in body["error"]["details"][0]["message_zh"]
    people = await judge.call("GET", f"/hearings/{hearing['id']}/participants")
    assert [p for p in people["items"] if p["role"] == "creditor"] == []
    assert (await judge.call("GET", f"/hearings/{hearing['id']}/claims"))["items"] == []

    status, body = await judge.status("POST", path, {"csv": "名称,联系方式\n甲,1\n"})
    assert [d["column"] for d in body["error"]["details"]] == ["claim", "group"]
    malformed_bodies: list[object] = [
        {"csv": ""},
        {"csv": 5},
        {"csv": LIST, "extra": 1},
        {"csv": LIST, "valid_hours": -1},
        {"csv": "x" * 100_001},
        None,
        [],
    ]
    for malformed in malformed_bodies:
        status, _ = await judge.status("POST", path, malformed)
        assert 400 <= status < 500 and status != 404, (malformed, status)

    party = await invite(judge, hearing["id"], role="creditor", name="债权人")
    creditor = await holder(new_caller, party["invitation"]["token"])
    assert (await creditor.status("POST", path, {"csv": LIST}))[0] == 403
    other_court = await new_caller()
    await other_court.login("judge_b")
    assert (await other_court.status("POST", path, {"csv": LIST}))[0] == 404
    trial = await schedule_hearing(judge, "(2026)A民初8号")
    status, body = await judge.status(
        "POST", f"/hearings/{trial['id']}/creditors/import", {"csv": LIST}
    )
    assert (status, body["error"]["code"]) == (409, "not_a_creditors_meeting")
