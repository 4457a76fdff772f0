"""Signed links to exhibit files (hearing_server/exhibit_links.py): made outside a request,
checked for the file they were made for, refused when changed or late; and the per-key locks
that keep one drawing of a page at a time (hearing_server/keyed_locks.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hearing_server.api import recording_links
from hearing_server.exhibit_links import checked_link, exhibit_link, exhibit_link_secret
from hearing_server.keyed_locks import KeyedLocks
from hearing_server.link_signing import LinkRefused

NOW = 1_800_000_000.0


def refusal(secret: bytes, file_id: int, token: str, now: float = NOW) -> str:
    with pytest.raises(LinkRefused) as refused:
        checked_link(secret, file_id, token, now)
    return refused.value.code


def test_a_link_names_its_holder_for_its_file_until_it_expires(tmp_path: Path) -> None:
    key_path = tmp_path / "keys" / "signing.pem"
    secret = exhibit_link_secret(key_path)
    assert secret == exhibit_link_secret(key_path)  # the key file is made once
    assert secret != recording_links.secret(key_path)  # a label of its own
    token = exhibit_link(secret, 7, "participant:12", NOW, 3600)
    assert token.isascii() and all(c.isalnum() or c in "._-" for c in token)
    match = checked_link(secret, 7, token, NOW + 3599)
    assert (match.group(1), match.group(2)) == ("participant", "12")
    assert checked_link(secret, 7, exhibit_link(secret, 7, "user:3", NOW, 60), NOW).group(1) == (
        "user"
    )
    assert refusal(secret, 7, token, NOW + 3600) == "link_expired"
    assert refusal(secret, 8, token) == "link_invalid"
    kind, number, expires, signature = token.split(".")
    for changed in [
        f"{kind}.13.{expires}.{signature}",
        f"user.{number}.{expires}.{signature}",
        f"{kind}.{number}.{int(expires) + 60}.{signature}",
        f"{kind}.{number}.{expires}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}",
        f"{kind}.{number}.{expires}",
        "",
        "x" * 200,
        token + ".",
    ]:
        assert refusal(secret, 7, changed) == "link_invalid", changed
    other = exhibit_link_secret(tmp_path / "other.pem")
    assert refusal(other, 7, token) == "link_invalid"


@pytest.mark.parametrize(
    ("holder", "seconds"),
    [("terminal:1", 60), ("participant:0", 60), ("participant:x", 60), ("user:1", 0), ("", 60)],
)
def test_only_people_get_links_and_only_for_some_time(holder: str, seconds: int) -> None:
    with pytest.raises(ValueError):
        exhibit_link(b"k" * 32, 1, holder, NOW, seconds)


async def test_one_holder_of_a_key_at_a_time_and_nothing_kept_after() -> None:
    locks = KeyedLocks()
    inside: list[str] = []
    most = 0

    async def work(key: str) -> None:
        nonlocal most
        async with locks.hold(key):
            inside.append(key)
            most = max(most, inside.count("a"))
            await asyncio.sleep(0.01)
            inside.remove(key)

    await asyncio.gather(*(work("a") for _ in range(5)), work("b"))
    assert most == 1
    assert len(locks) == 0
    with pytest.raises(RuntimeError):
        async with locks.hold("c"):
            raise RuntimeError
    assert len(locks) == 0
