"""Integration tests: real aiortc peers over loopback."""
