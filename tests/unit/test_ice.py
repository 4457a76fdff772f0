"""What ICE servers clients are handed, and the settings that configure TURN."""

import base64
import hashlib
import hmac

import pytest
from aiortc import RTCIceServer

from config import Settings
from signaling.ice import IceConfig, TurnRest


def test_static_servers_pass_through_and_no_turn_without_a_secret() -> None:
    ice = IceConfig([RTCIceServer(["stun:stun.court.example:3478"])])
    assert ice.for_client("h1p1") == [
        {"urls": ["stun:stun.court.example:3478"], "username": None, "credential": None}
    ]
    assert IceConfig().for_client("h1p1") == []


def test_turn_credentials_expire_and_differ_per_participant() -> None:
    turn = TurnRest(["turn:turn.court.example:3478"], "s3cret", ttl_seconds=600)
    ice = IceConfig(turn=turn, clock=lambda: 1_800_000_000.7)
    (first,) = ice.for_client("h7p1")
    (second,) = ice.for_client("h7p2")
    assert first["urls"] == ["turn:turn.court.example:3478"]
    assert first["username"] == "1800000600:h7p1"
    assert first["username"] != second["username"]
    assert first["credential"] != second["credential"]
    expected = hmac.new(b"s3cret", b"1800000600:h7p1", hashlib.sha1).digest()
    assert base64.b64decode(first["credential"]) == expected


def test_turn_settings_come_as_a_pair_with_turn_urls() -> None:
    settings = Settings(turn_urls=["turns:turn.court.example:5349"], turn_secret="x" * 32)
    assert settings.turn_secret is not None
    assert "x" * 32 not in repr(settings)
    with pytest.raises(ValueError, match="set together"):
        Settings(turn_urls=["turn:turn.court.example:3478"])
    with pytest.raises(ValueError, match="set together"):
        Settings(turn_secret="x" * 32)
    with pytest.raises(ValueError, match="must start with turn: or turns:"):
        Settings(turn_urls=["stun:turn.court.example"], turn_secret="x")
