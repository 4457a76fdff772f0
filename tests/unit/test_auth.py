"""Password hashing, tokens and login throttling."""

from __future__ import annotations

import pytest

from hearing_server.auth import LoginThrottle, hash_password, new_token, token_hash, verify_password
from hearing_server.invitations import invitation_url


def test_passwords_hash_with_argon2id_and_verify() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong")
    assert not verify_password(None, "anything")
    assert not verify_password("not a hash", "anything")


def test_tokens_are_128_bit_and_hashed() -> None:
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) == 22 for t in tokens)  # 16 bytes, URL-safe base64 without padding
    token = tokens.pop()
    assert token_hash(token) == token_hash(token) and token not in token_hash(token)


def test_invitation_token_rides_in_the_fragment() -> None:
    assert invitation_url("https://court.example", "abc") == "https://court.example/join#abc"


def test_throttle_counts_failures_per_key(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr("hearing_server.auth.time.monotonic", lambda: now[0])
    throttle = LoginThrottle(attempts=2, window=60)
    throttle.failed("ip:1", "user:a")
    assert throttle.retry_after("ip:1", "user:a") == 0
    throttle.failed("ip:1", "user:b")
    assert throttle.retry_after("ip:1", "user:c") == 60  # the address is blocked for every account
    assert throttle.retry_after("ip:2", "user:a") == 0  # one failure on user:a is under the limit
    now[0] += 30
    assert throttle.retry_after("ip:1") == 30
    now[0] += 31
    assert throttle.retry_after("ip:1") == 0
    throttle.failed("ip:3", "user:z")
    throttle.succeeded("user:z")
    throttle.failed("ip:4", "user:z")
    assert throttle.retry_after("user:z") == 0
