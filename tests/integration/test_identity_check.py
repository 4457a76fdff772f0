"""The identity check live (docs/architecture.md#identity-check): real aiortc participants, the
real app. The server's still is a decoded picture of what the person's camera sent: a known
two-colour pattern, compared by mean colour; the refusals come back as error acknowledgements;
a criminal trial admits nobody unchecked; the REST API shows the checks to the bench only."""

from __future__ import annotations

import io

import av
import numpy as np
from aiortc import VideoStreamTrack
from av import VideoFrame

from tests.callers import Caller, NewCaller, holder
from tests.headless import HeadlessParticipant
from tests.integration.courtroom import Courtroom, connection_up, presence, room_shows

LEFT = (200, 40, 120)
"""The left half of the synthetic camera's picture (RGB): magenta-ish."""
RIGHT = (30, 180, 60)
"""The right half: green."""
WIDTH, HEIGHT = 320, 240


class PatternTrack(VideoStreamTrack):
    """A camera showing two flat halves of known colours."""

    def __init__(self) -> None:
        super().__init__()
        picture = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
        picture[:, : WIDTH // 2] = LEFT
        picture[:, WIDTH // 2 :] = RIGHT
        self.picture = picture

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(self.picture, format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        return frame


def mean_colours(jpeg: bytes) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """The mean RGB of the picture's left and right halves (a margin left out at the edge
    between them), and its size."""
    with av.open(io.BytesIO(jpeg), "r") as container:
        frame = next(container.decode(video=0))
    rgb = frame.to_ndarray(format="rgb24").astype(float)
    height, width = rgb.shape[:2]
    left = rgb[:, : width // 2 - 16].reshape(-1, 3).mean(axis=0)
    right = rgb[:, width // 2 + 16 :].reshape(-1, 3).mean(axis=0)
    return left, right, (width, height)


async def join_with_pattern(courtroom: Courtroom, name: str) -> HeadlessParticipant:
    seat = courtroom.seats[name]
    person = HeadlessParticipant(
        courtroom.url, courtroom.send_times, invitation=seat.invitation, cookie=seat.cookie
    )
    courtroom.people.append(person)
    await person.peer.join(courtroom.hearing_id, [PatternTrack()])
    return person


def check(
    participant_id: int, digits: str = "1234", kind: str = "resident_id"
) -> dict[str, object]:
    return {"participant_id": participant_id, "document_type": kind, "digits": digits}


async def test_the_still_is_the_persons_camera_and_unchecked_people_wait(
    courtroom: Courtroom,
    judge: Caller,
    clerk: Caller,
    new_caller: NewCaller,
) -> None:
    bench = await courtroom.join("judge", publish=False)
    assert await bench.signal.call("open") == {"ok": True}
    party = await join_with_pattern(courtroom, "party_a")
    await courtroom.join("party_b", publish=False)
    await connection_up(party)
    party_id, silent_id = courtroom.id("party_a"), courtroom.id("party_b")

    # a criminal trial admits nobody unchecked
    reply = await bench.signal.call("admit", {"participant_id": party_id})
    assert reply["error"]["code"] == "identity_unverified", reply
    assert await bench.signal.call("admit_all") == {"ok": True, "admitted": []}

    # refusals, each an error acknowledgement
    refusals = [
        (bench, check(party_id, "12"), "bad_digits"),
        (bench, check(party_id, "12a4"), "bad_digits"),
        (bench, check(party_id, "1234567"), "bad_digits"),
        (bench, check(10**6), "not_found"),
        (bench, check(courtroom.id("observer")), "not_checked"),
        (bench, {**check(party_id), "document_type": "library_card"}, "invalid_payload"),
        (bench, {"participant_id": party_id}, "invalid_payload"),
        (party, check(silent_id), "forbidden"),
    ]
    for who, payload, code in refusals:
        reply = await who.signal.call("verify_identity", payload)
        assert reply.get("error", {}).get("code") == code, (payload, reply)

    # the check: the server asks the camera for a keyframe and decodes it
    reply = await bench.signal.call("verify_identity", check(party_id, "00123x"))
    assert reply["ok"] is True and reply["still"] is True, reply
    reply = await bench.signal.call("verify_identity", check(silent_id, "5678", "passport"))
    assert reply["ok"] is True and reply["still"] is False and reply["no_still"], reply
    await room_shows(
        bench,
        lambda room: all(m["identity_verified"] for m in room["members"] if m["id"] == party_id),
    )
    assert await bench.signal.call("admit", {"participant_id": party_id}) == {"ok": True}
    await room_shows(bench, lambda _: presence(bench, party_id) == "in_hearing")

    # the bench sees the checks and the still; it is the picture the camera sent
    checks = (await judge.call("GET", f"/hearings/{courtroom.hearing_id}/identity-checks"))["items"]
    by_person = {c["participant_id"]: c for c in checks}
    assert by_person[party_id]["digits"] == "00123X"
    assert by_person[party_id]["document_type"] == "resident_id"
    assert by_person[silent_id]["still"] is False and by_person[silent_id]["no_still"]
    response = await judge.client.get(f"/api/v1/identity-checks/{by_person[party_id]['id']}/still")
    assert response.status == 200 and response.content_type == "image/jpeg"
    left, right, size = mean_colours(await response.read())
    assert size == (WIDTH, HEIGHT)
    assert np.abs(left - LEFT).max() < 20, left
    assert np.abs(right - RIGHT).max() < 20, right

    # the clerk too (the archive); the participants never
    assert (
        len((await clerk.call("GET", f"/hearings/{courtroom.hearing_id}/identity-checks"))["items"])
        == 2
    )
    checked = await holder(new_caller, courtroom.seats["party_a"].invitation or "")
    status, body = await checked.status("GET", f"/hearings/{courtroom.hearing_id}/identity-checks")
    assert status == 403, body
    status, body = await checked.status(
        "GET", f"/identity-checks/{by_person[party_id]['id']}/still"
    )
    assert status == 403, body
    status, body = await judge.status("GET", "/identity-checks/999999/still")
    assert status == 404, body
    status, body = await judge.status("GET", f"/identity-checks/{by_person[silent_id]['id']}/still")
    assert status == 404 and body["error"]["code"] == "no_still", body

    # in session, the people in the hearing are checked in the identity-check phase only
    assert await bench.signal.call("start_session") == {"ok": True}
    assert await bench.signal.call("set_phase", {"phase": "investigation"}) == {"ok": True}
    reply = await bench.signal.call("verify_identity", check(party_id))
    assert reply.get("error", {}).get("code") == "wrong_phase", reply
    assert await bench.signal.call("recess") == {"ok": True}
    reply = await bench.signal.call("verify_identity", check(party_id))
    assert reply.get("error", {}).get("code") == "forbidden", reply
