"""`python -m tests.integration.server_child ARGS`: the `hearing-server` command, gathering
only loopback ICE candidates (as tests/integration/conftest.py makes the test process do), so
headless participants in the test process can reach a server running as a child process."""

import aioice.ice

from hearing_server.cli import main


def _loopback(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    return ["127.0.0.1"]


if __name__ == "__main__":
    aioice.ice.get_host_addresses = _loopback
    main()
