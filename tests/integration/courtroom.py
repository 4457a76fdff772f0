"""A public criminal hearing scheduled through the REST API, and headless people joining it.

The cast: the presiding judge and the clerk (staff logins), two parties and a witness
(invitations), a detained defendant appearing from a detention centre's terminal (terminal
login), and an observer in the public gallery.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestServer

from hearing_server.identity import SESSION_COOKIE
from tests.callers import Caller, World, invite, schedule_hearing
from tests.headless import HeadlessParticipant, Reception, SendTimes
from tests.integration.peers import wait_until
from tests.signal_client import admit_checked

CAST = {
    "party_a": {"role": "party", "name": "张三", "side": "plaintiff"},
    "party_b": {"role": "party", "name": "李四", "side": "defendant"},
    "witness": {"role": "witness", "name": "王五"},
    "observer": {"role": "observer", "name": "旁听"},
}


@dataclass(frozen=True)
class Seat:
    participant_id: int
    invitation: str | None = None
    cookie: str | None = None


def session_cookie(caller: Caller) -> str:
    """The caller's login session, to present on the socket.io connection as a browser would."""
    return next(c.value for c in caller.client.session.cookie_jar if c.key == SESSION_COOKIE)


class Courtroom:
    def __init__(self, url: str, hearing_id: int, seats: dict[str, Seat]) -> None:
        self.url = url
        self.hearing_id = hearing_id
        self.seats = seats
        self.send_times = SendTimes()
        self.people: list[HeadlessParticipant] = []

    @classmethod
    async def schedule(
        cls, server: TestServer, judge: Caller, clerk: Caller, terminal: Caller, world: World
    ) -> Courtroom:
        hearing = await schedule_hearing(
            judge, "(2026)A刑初9号", "criminal_trial", public=True, clerk_id=world.clerk_id
        )
        hearing_id = hearing["id"]
        people = await judge.call("GET", f"/hearings/{hearing_id}/participants")
        bench = {p["role"]: p["id"] for p in people["items"]}
        seats = {
            "judge": Seat(bench["judge"], cookie=session_cookie(judge)),
            "clerk": Seat(bench["clerk"], cookie=session_cookie(clerk)),
        }
        for name, person in CAST.items():
            created = await invite(judge, hearing_id, **person)
            seats[name] = Seat(created["participant"]["id"], created["invitation"]["token"])
        detainee = await invite(
            judge, hearing_id, role="detainee", name="孙六", detention_centre_id=world.centre_id
        )
        await terminal.terminal_login(world.terminal_id)
        seats["detainee"] = Seat(detainee["participant"]["id"], cookie=session_cookie(terminal))
        return cls(str(server.make_url("")).rstrip("/"), hearing_id, seats)

    async def join(self, name: str, publish: bool = True) -> HeadlessParticipant:
        """A headless client takes ``name``'s seat (hung up when the test ends)."""
        seat = self.seats[name]
        person = HeadlessParticipant(
            self.url, self.send_times, invitation=seat.invitation, cookie=seat.cookie
        )
        self.people.append(person)
        await person.join(self.hearing_id, publish)
        return person

    def id(self, name: str) -> int:
        return self.seats[name].participant_id

    async def close(self) -> None:
        for person in self.people:
            await person.close()


async def receiving(
    receiver: HeadlessParticipant,
    source_id: int,
    frames: int = 10,
    audio: bool = True,
    since: float = 0.0,
    limit: float = 20,
) -> Reception:
    """Wait until ``receiver`` got ``frames`` video frames (and audio) from ``source_id``."""
    reception = receiver.reception(source_id)
    await wait_until(
        lambda: (
            len(reception.video_since(since)) >= frames
            and (not audio or len(reception.audio_since(since)) >= frames)
        ),
        limit,
        f"participant {receiver.id} to receive {frames} frames from {source_id}",
    )
    return reception


async def start(
    courtroom: Courtroom, *names: str, publish: tuple[str, ...] | None = None
) -> dict[str, HeadlessParticipant]:
    """The judge opens and starts the session; ``names`` join and are admitted.

    Everyone but the observer publishes, unless ``publish`` names who does.
    """

    def publishes(name: str) -> bool:
        return name in publish if publish is not None else name != "observer"

    judge = await courtroom.join("judge", publishes("judge"))
    for event in ("open", "start_session"):
        reply = await judge.signal.call(event)
        assert reply == {"ok": True}, (event, reply)
    people = {"judge": judge}
    for name in names:
        people[name] = await courtroom.join(name, publishes(name))
        reply = await admit_checked(judge.signal, courtroom.id(name))
        assert reply == {"ok": True}, (name, reply)
    return people


def presence(viewer: HeadlessParticipant, participant_id: int) -> str | None:
    """Where ``viewer``'s latest room view places a participant (None: not shown)."""
    members = viewer.signal.room["members"]
    return next((m["presence"] for m in members if m["id"] == participant_id), None)


async def room_shows(
    person: HeadlessParticipant, check: Callable[[dict[str, Any]], bool], limit: float = 15
) -> None:
    """Wait until ``person``'s latest room view passes ``check``."""
    await wait_until(lambda: check(person.signal.room), limit, "the room view")


async def connection_up(person: HeadlessParticipant, limit: float = 15) -> None:
    await wait_until(lambda: person.peer.connected_at is not None, limit, "the connection")


async def carrying(
    person: HeadlessParticipant, source_id: int, kinds: set[str], limit: float = 15
) -> None:
    """Wait until ``person``'s incoming transceivers carry exactly ``kinds`` of ``source_id``."""

    def carried() -> set[str]:
        return {s.kind for s in person.peer.sources.values() if s.participant_id == source_id}

    await wait_until(lambda: carried() == kinds, limit, f"{kinds or 'nothing'} of {source_id}")
