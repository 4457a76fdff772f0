"""`python -m bench.launcher ARGS`: the `hearing-server` command, gathering loopback candidates.

The server under test is otherwise untouched (its RTP timestamps stay random).
"""

from bench.loopback import use_loopback
from hearing_server.cli import main

if __name__ == "__main__":
    use_loopback()
    main()
