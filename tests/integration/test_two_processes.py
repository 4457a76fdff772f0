"""Two server processes, one system: shared PostgreSQL and Redis
(docs/architecture.md#several-processes, issue 6)."""

from __future__ import annotations

import pytest

from tests.headless import HeadlessParticipant, SendTimes
from tests.integration.courtroom import receiving
from tests.integration.deployment import judge_session, make_judge, schedule
from tests.live_server import LiveServer
from tests.signal_client import SignalClient, admit_checked

pytestmark = pytest.mark.postgres


async def test_a_join_on_either_process_lands_in_the_one_hearing_and_messages_cross(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = pair
    password = make_judge(a)
    send_times = SendTimes()
    people: list[HeadlessParticipant] = []
    async with judge_session(a, password) as judge, judge_session(b, password) as judge_b:
        hearing_id, invitation = await schedule(judge, "(2026)c1民初7号")
        try:
            bench = HeadlessParticipant(a.url, send_times, cookie=judge.cookie)
            people.append(bench)
            await bench.join(hearing_id)
            for event in ("open", "start_session"):
                assert (await bench.signal.call(event)).get("ok") is True, event
            party = HeadlessParticipant(b.url, send_times, invitation=invitation)
            people.append(party)
            await party.join(hearing_id)  # B tells it the hearing is held by A
            assert party.signal.url == a.url
            assert [r["code"] for r in party.signal.refusals] == ["moved"]
            assert (await admit_checked(bench.signal, party.id)).get("ok") is True
            await receiving(party, bench.id, frames=15)
            await receiving(bench, party.id, frames=15)

            # a notice posted through B's REST API reaches the clients connected to A
            await judge_b.call("POST", f"/hearings/{hearing_id}/notices", {"text": "十分钟后继续"})
            for person in (bench, party):
                notice = await person.signal.wait_for("notice", within=5)
                assert notice["text"] == "十分钟后继续" and notice["hearing_id"] == hearing_id

            # a second hearing goes to the quieter process, whichever one is asked
            other_id, _ = await schedule(judge, "(2026)c1民初8号")
            watcher = SignalClient(a.url)
            await watcher.connect(other_id, cookie=judge.cookie)
            assert watcher.url == b.url
            await watcher.sio.disconnect()

            # failed logins count across processes: five on A, and B refuses the sixth try
            for _ in range(5):
                async with judge.http.post(
                    a.url + "/api/v1/auth/login", json={"username": "judge1", "password": "x" * 12}
                ) as response:
                    assert response.status == 401
            async with judge_b.http.post(
                b.url + "/api/v1/auth/login", json={"username": "judge1", "password": password}
            ) as response:
                assert response.status == 429
        finally:
            for person in people:
                await person.close()
