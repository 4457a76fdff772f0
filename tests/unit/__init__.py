"""Unit tests: pure logic, no sockets."""
