"""Benchmarks of the server, kept apart from the tests (see bench/README.md)."""
