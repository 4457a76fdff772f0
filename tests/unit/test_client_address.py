"""The client's address behind trusted proxies, and the unit a login throttle counts."""

from __future__ import annotations

import ipaddress

from hearing_server.client_address import forwarded_client, throttle_key

PROXIES = [ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("fd00::/64")]


def test_the_header_counts_only_from_a_trusted_proxy() -> None:
    assert forwarded_client("203.0.113.9", ["198.51.100.1"], PROXIES) == "203.0.113.9"
    assert forwarded_client("10.0.0.2", ["198.51.100.1"], PROXIES) == "198.51.100.1"
    assert forwarded_client("10.0.0.2", [], PROXIES) == "10.0.0.2"
    assert forwarded_client("10.0.0.2", ["198.51.100.1"], []) == "10.0.0.2"


def test_only_the_entries_trusted_proxies_wrote_count() -> None:
    # the client sent "1.2.3.4" itself; its real address is what our proxies appended
    chain = ["1.2.3.4, 198.51.100.7", "10.0.0.3"]
    assert forwarded_client("fd00::5", chain, PROXIES) == "198.51.100.7"
    assert forwarded_client("10.0.0.2", ["1.2.3.4, not-an-address"], PROXIES) == "10.0.0.2"


def test_ipv4_is_keyed_per_address_and_ipv6_per_64() -> None:
    assert throttle_key("127.0.0.1") != throttle_key("127.0.0.2")
    assert throttle_key("2001:db8:1:2::1") == throttle_key("2001:db8:1:2:ffff::9")
    assert throttle_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert throttle_key("2001:db8:1:3::1") != throttle_key("2001:db8:1:2::1")
    assert throttle_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert throttle_key(None) == "unknown"
