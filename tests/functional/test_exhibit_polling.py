"""The evidence screens poll their lists (docs/architecture.md#exhibits): each list answers with
an ETag, and 304 with no body while the caller's copy is current: until something the caller
may see changes (another side's exhibit, the exchange, an opinion), whoever made the change."""

from __future__ import annotations

from typing import Any

from tests.callers import Caller, NewCaller
from tests.functional.test_exhibits_api import opine, submit, trial


async def fetch(caller: Caller, path: str, tag: str | None = None) -> tuple[int, str, Any]:
    """GET ``path`` as ``caller``, naming ``tag`` in If-None-Match: the status, ETag, body."""
    headers = {}
    if caller.invitation:
        headers["Authorization"] = f"Invitation {caller.invitation}"
    if tag is not None:
        headers["If-None-Match"] = tag
    response = await caller.client.get("/api/v1" + path, headers=headers)
    body = await response.read()
    assert response.headers["Cache-Control"] == "private, no-cache"
    return response.status, response.headers["ETag"], body


async def test_a_list_is_304_until_what_the_caller_sees_changes(
    judge: Caller, new_caller: NewCaller
) -> None:
    t = await trial(judge, new_caller)
    lists = {
        "exhibits": f"/hearings/{t.hearing_id}/exhibits",
        "case": f"/cases/{t.case_id}/exhibits",
        "exchange": f"/cases/{t.case_id}/exchange",
        "examination": f"/hearings/{t.hearing_id}/examination",
    }
    held: dict[str, str] = {}
    for name, path in lists.items():
        status, tag, body = await fetch(t.plaintiff, path)
        assert status == 200 and body, name
        held[name] = tag
        status, again, body = await fetch(t.plaintiff, path, tag)
        assert (status, again, body) == (304, tag, b""), name

    async def changed() -> set[str]:
        """The plaintiff's lists that changed since last asked (their new tags kept)."""
        found = set()
        for name, path in lists.items():
            status, tag, _ = await fetch(t.plaintiff, path, held[name])
            if status == 200:
                found.add(name)
                held[name] = tag
            else:
                assert status == 304 and tag == held[name]
        return found

    # the defendant's exhibit is theirs alone before the exchange: nothing changed for the
    # plaintiff; the court's exhibit is everyone's at once
    theirs = await submit(t.defendant, t.case_id)
    assert await changed() == set()
    await submit(judge, t.case_id, "法院调取")
    assert await changed() == {"exhibits", "case", "examination"}
    await judge.call("POST", f"/cases/{t.case_id}/exchange/open")
    assert await changed() == {"exhibits", "case", "exchange", "examination"}
    # the plaintiff's agent records the plaintiff's opinion: the plaintiff's matrix changes
    await opine(t.agent, theirs["id"], opinion="disputed", reason="复印件")
    assert await changed() == {"examination"}
    await t.defendant.call("POST", f"/exhibits/{theirs['id']}/withdraw")
    assert await changed() == {"exhibits", "case", "examination"}
    assert await changed() == set()


async def test_if_none_match_lists_and_other_callers(judge: Caller, new_caller: NewCaller) -> None:
    t = await trial(judge, new_caller)
    await submit(t.plaintiff, t.case_id)
    path = f"/cases/{t.case_id}/exhibits"
    _, tag, _ = await fetch(t.plaintiff, path)
    for named in (f'"x", W/{tag}', f'{tag}, "y"', "*"):
        assert (await fetch(t.plaintiff, path, named))[0] == 304, named
    for other in ('"x"', "", "garbage", tag.strip('"'), f'{tag[:-2]}"'):
        assert (await fetch(t.plaintiff, path, other))[0] == 200, other
    # the same list seen by another caller is their own: another tag when they see otherwise
    status, defendant_tag, _ = await fetch(t.defendant, path, tag)
    assert status == 200 and defendant_tag != tag
    # only the polled lists carry a tag; a refusal never does
    status, body = await t.plaintiff.status("POST", path, {"title": "t", "purpose": "p"})
    assert status == 201 and body["number"] == 2
    response = await t.observer.client.get(
        "/api/v1" + path, headers={"Authorization": f"Invitation {t.observer.invitation}"}
    )
    assert response.status == 403 and "ETag" not in response.headers
