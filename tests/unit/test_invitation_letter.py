"""The invitation's words (court/invitation_letter.py) and the SMS gateway's template check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config import load_settings
from config.delivery import SMS_TEMPLATE
from config.settings import SettingsError
from court.invitation_letter import Invitation, letter, short_text
from court.kinds import HearingKind
from court.roles import Role

START = datetime(2026, 12, 8, 1, 30, tzinfo=UTC)


def invitation(**changes: object) -> Invitation:
    facts: dict[str, object] = {
        "court": "杭州市中级人民法院",
        "case_number": "(2026)浙01民初5号",
        "case_title": "劳动争议",
        "kind": HearingKind.MEDIATION,
        "start": START,
        "duration_minutes": 90,
        "court_zone": "Asia/Shanghai",
        "name": "张三",
        "role": Role.PARTY,
        "link": "https://courts.test/join#abc",
        "expires_at": datetime(2026, 12, 9, tzinfo=UTC),
        "language": "zh",
    }
    return Invitation(**(facts | changes))  # type: ignore[arg-type]


def test_chinese_with_the_court_time_only_when_the_person_is_in_its_zone() -> None:
    words = letter(invitation(own_zone="Asia/Shanghai"))
    facts = dict(words.facts)
    assert facts["时间"] == "2026-12-08 09:30 (Asia/Shanghai, UTC+08:00)，约90分钟"
    assert "您当地时间" not in facts
    assert facts["类型"] == "调解" and facts["身份"] == "当事人"
    assert words.subject == "杭州市中级人民法院在线庭审通知：(2026)浙01民初5号"
    assert "https://courts.test/join#abc" in words.text()


def test_english_for_someone_abroad_shows_both_times() -> None:
    words = letter(invitation(language="en", own_zone="America/New_York", role=Role.AGENT))
    facts = dict(words.facts)
    assert facts["Time"].startswith("2026-12-08 09:30 (Asia/Shanghai, UTC+08:00)")
    assert facts["Your local time"] == "2026-12-07 20:30 (America/New_York, UTC-05:00)"
    assert facts["The link works until"] == "2026-12-08 19:00 (America/New_York, UTC-05:00)"
    assert facts["You take part as"] == "Agent ad litem"
    assert words.prepare[0] == "Please prepare:" and len(words.prepare) > 3


def test_the_sms_fills_the_template_in_the_person_s_zone() -> None:
    text = short_text(invitation(own_zone="Europe/Berlin"), SMS_TEMPLATE)
    assert text == (
        "【杭州市中级人民法院】张三：请于2026-12-08 02:30 (Europe/Berlin, UTC+01:00)"
        "参加(2026)浙01民初5号的在线庭审，入口：https://courts.test/join#abc"
    )


@pytest.mark.parametrize("template", ["{court} {secret}", "{court} no link", "{link} {0}", "{link"])
def test_a_template_with_unknown_fields_or_no_link_is_refused(template: str) -> None:
    with pytest.raises(SettingsError, match=r"sms\.template"):
        load_settings(sms={"url": "http://127.0.0.1:9/send", "template": template})
