"""A participant's contacts (court/contacts.py): one rule each, the same for the API's field types
(hearing_server/api/fields.py) and for imported lists."""

from __future__ import annotations

import contextlib

import pytest
from pydantic import TypeAdapter, ValidationError

from court.contacts import is_email, is_time_zone, plain_phone
from hearing_server.api.errors import ApiError
from hearing_server.api.fields import Email, Phone, TimeZoneName
from hearing_server.api.invitation_sending import known_zone

MAILS = ["a@example.com", "张三@example.cn", "a@b", "a b@example.com", "a@example.com\nBcc: x@y.z"]
PHONES = ["+8613800138000", "13800138000", "1234", "+86 138", "12ab34567", "++8613800138000"]
ZONES = ["Asia/Shanghai", "Europe/Berlin", "UTC", "Mars/Olympus", "../etc/passwd", "America", ""]


@pytest.mark.parametrize("mail", MAILS)
def test_a_mail_address_is_one_for_the_api_and_the_lists_alike(mail: str) -> None:
    try:
        TypeAdapter(Email).validate_python(mail)
        api = True
    except ValidationError:
        api = False
    assert is_email(mail) == api
    assert is_email(mail) == (mail in MAILS[:2])


@pytest.mark.parametrize("phone", PHONES)
def test_a_phone_number_is_one_for_the_api_and_the_lists_alike(phone: str) -> None:
    try:
        TypeAdapter(Phone).validate_python(phone)
        api = True
    except ValidationError:
        api = False
    assert (plain_phone(phone) == phone) == api


def test_a_phone_loses_its_spaces_and_dashes() -> None:
    assert plain_phone("+86 138-0013-8000") == "+8613800138000"
    assert plain_phone("(010) 1234 5678") == "01012345678"
    assert plain_phone("+86 13") is None


@pytest.mark.parametrize("zone", ZONES)
def test_a_time_zone_is_one_for_the_api_and_the_lists_alike(zone: str) -> None:
    """The API's type checks the shape (its schema says so); the handler then asks
    `is_time_zone` (hearing_server/api/invitation_sending.py `known_zone`), as the lists do."""
    try:
        TypeAdapter(TimeZoneName).validate_python(zone)
        shaped = True
    except ValidationError:
        shaped = False
    assert is_time_zone(zone) == (zone in ZONES[:3])
    assert shaped == (zone in ZONES[:4] or zone == "America")
    with pytest.raises(ApiError) if not is_time_zone(zone) else contextlib.nullcontext():
        known_zone(zone)
