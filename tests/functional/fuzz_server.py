"""`python -m tests.functional.fuzz_server ARGS`: the `hearing-server` command whose check of a
login for an account that does not exist (hearing_server/auth.py's ``_dummy_hash``, there so a
wrong username costs as long as a wrong password) verifies against a hash made with the same
cheap argon2id parameters as the test accounts (tests/callers.py).

The fuzzing in test_api_fuzz.py sends mostly unknown usernames and terminals to the login
operations; with the library's recommended parameters (64 MiB, 4 lanes) each one cost about
0.15 s of two cores, several seconds per login operation and database. The code path is the
production one: only the cost stored in the hash it verifies against differs."""

import functools
import secrets

from argon2 import PasswordHasher

import hearing_server.auth
from hearing_server.cli import main


@functools.cache
def _cheap_dummy_hash() -> str:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(secrets.token_hex(16))


if __name__ == "__main__":
    assert callable(hearing_server.auth._dummy_hash), "the server's dummy hash was renamed"
    hearing_server.auth._dummy_hash = _cheap_dummy_hash
    main()
