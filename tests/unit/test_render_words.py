"""The archive's words: chapter titles and role labels come from the one table of each (next
to the phases and roles themselves), in the court's language, never as codes."""

from datetime import UTC, datetime, timedelta

import pytest

from court.kinds import PHASE_LABELS, RULES
from court.roles import ROLE_LABELS, Role
from hearing_server.db.models import HearingEvent
from hearing_server.records.render import session_timeline
from recording.render.plan import PresenceChange, say

WALL = 1_767_000_000.0


def _event(
    kind: str, seconds: float, was: str | None, now: str | None, who: int | None = None
) -> HearingEvent:
    return HearingEvent(
        hearing_id=1,
        kind=kind,
        at=datetime.fromtimestamp(WALL + seconds, UTC),
        actor="judge",
        from_value=was,
        to_value=now,
        data=None if who is None else {"participant_id": who},
    )


def test_every_phase_and_role_has_words_in_both_languages() -> None:
    phases = {phase for rules in RULES.values() for phase in rules.phases}
    assert phases <= PHASE_LABELS.keys()
    assert set(Role) == ROLE_LABELS.keys()
    for chinese, english in (*PHASE_LABELS.values(), *ROLE_LABELS.values()):
        assert chinese and english and chinese != english


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("zh", ["核对身份", "法庭调查", "法庭辩论"]),
        ("en", ["Identity check", "Court investigation", "Court debate"]),
        (
            "zh+en",
            ["核对身份 Identity check", "法庭调查 Court investigation", "法庭辩论 Court debate"],
        ),
    ],
)
def test_chapters_are_titled_in_the_court_language(language: str, titles: list[str]) -> None:
    start = datetime.fromtimestamp(WALL, UTC)
    events = [
        _event("phase", 5, "identity_check", "investigation"),
        _event("phase", 20, "investigation", "debate"),
    ]
    timeline = session_timeline(start, start + timedelta(seconds=60), events, "debate", language)
    assert [change.name for change in timeline.phases] == titles
    assert say(ROLE_LABELS[Role.PARTY], language) in ("当事人", "Party", "当事人 Party")


def test_presence_changes_reach_the_timeline() -> None:
    start = datetime.fromtimestamp(WALL, UTC)
    events = [
        _event("joined", -10, "invited", "waiting", who=3),
        _event("admitted", -5, "waiting", "in_hearing", who=3),
        _event("sent_back", 20, "in_hearing", "waiting", who=3),
        _event("muted", 25, None, None, who=3),
        _event("phase", 30, "identity_check", "investigation"),
    ]
    timeline = session_timeline(start, start + timedelta(seconds=60), events, None)
    assert timeline.presence == (
        PresenceChange(WALL - 10, "3", "waiting"),
        PresenceChange(WALL - 5, "3", "in_hearing"),
        PresenceChange(WALL + 20, "3", "waiting"),
    )


def test_a_consultation_moves_everyone_in_it_on_the_timeline() -> None:
    start = datetime.fromtimestamp(WALL, UTC)
    began = _event("consultation_started", 10, "in_hearing", "in_consultation")
    ended = _event("consultation_ended", 25, "in_consultation", "in_hearing")
    for event in (began, ended):
        event.data = {"participant_ids": [7, 8]}
    timeline = session_timeline(start, start + timedelta(seconds=60), [began, ended], None)
    assert timeline.presence == (
        PresenceChange(WALL + 10, "7", "in_consultation"),
        PresenceChange(WALL + 10, "8", "in_consultation"),
        PresenceChange(WALL + 25, "7", "in_hearing"),
        PresenceChange(WALL + 25, "8", "in_hearing"),
    )
