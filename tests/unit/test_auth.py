"""Password hashing, tokens and login throttling."""

from __future__ import annotations

from hearing_server.auth import hash_password, new_token, token_hash, verify_password
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
