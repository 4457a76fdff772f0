"""The C SFU baseline: Janus (Debian's `janus` package) with its VideoRoom plugin.

`janus_server(workdir, participants)` writes a configuration folder of its own into `workdir`
and returns the server, not yet started, with the seats of its one room. Only the VideoRoom
plugin and the plain HTTP transport (on 127.0.0.1) are loaded, with no STUN or TURN. ICE
gathers on the loopback interface only: Janus leaves out every interface flagged as loopback,
so a small LD_PRELOAD shim (LOOPBACK_SHIM, compiled with cc into `workdir`) takes the flag off
in what getifaddrs() tells it, and `ice_enforce_list` keeps the other interfaces out.

Room 1 takes Opus and VP8, records nothing, caps no bitrate (bitrate 0: Janus sends no REMB;
the clip is pre-encoded anyway) and asks for no periodic keyframes: as through our server, a
publisher gets a PLI only when a subscriber starts. Janus never transcodes: every subscriber
gets the publisher's payloads as they came, with RTP headers of its own. The load generator
speaks Janus' HTTP API to it (bench/janus_participant.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from bench.participant import Seat
from bench.seed import BenchHearing
from tests.live_server import ServerProcess, free_port

JANUS = Path("/usr/bin/janus")
LIBRARIES = Path("/usr/lib")
"""Debian puts Janus' plugins and transports in /usr/lib/<multiarch triplet>/janus."""
ROOM = 1
DEBUG_LEVEL = 3
"""Errors and warnings only (4, the default, logs every handle and PeerConnection)."""
LOOPBACK_SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stddef.h>

/* Janus gathers ICE candidates on no interface flagged IFF_LOOPBACK, whatever its settings:
   un-flag them so that it gathers 127.0.0.1 (ice_enforce_list keeps the other ones out). */
int getifaddrs(struct ifaddrs **list) {
    int (*real)(struct ifaddrs **) = (int (*)(struct ifaddrs **))dlsym(RTLD_NEXT, "getifaddrs");
    int result = real(list);
    if (result == 0)
        for (struct ifaddrs *entry = *list; entry != NULL; entry = entry->ifa_next)
            entry->ifa_flags &= ~IFF_LOOPBACK;
    return result;
}
"""


def janus_available() -> bool:
    """Janus is installed, and a C compiler for the loopback shim (see LOOPBACK_SHIM)."""
    return JANUS.exists() and shutil.which("cc") is not None


def janus_server(workdir: Path, participants: int) -> tuple[ServerProcess, BenchHearing]:
    """Janus configured in `workdir`, not yet started, and the seats of its room: feed ids
    1..n, then a late joiner that only subscribes."""
    port = free_port()
    configs = workdir / "configs"
    configs.mkdir()
    folders = {}
    for kind, library in (("plugins", "videoroom"), ("transports", "http")):
        folder = folders[kind] = workdir / kind
        folder.mkdir()
        # only these two modules are in the folders Janus loads from
        (folder / f"libjanus_{library}.so").symlink_to(
            next(LIBRARIES.glob(f"*/janus/{kind}/libjanus_{library}.so*"))
        )
    (workdir / "none").mkdir()  # no event handlers nor external loggers
    (configs / "janus.jcfg").write_text(f"""
general: {{
    configs_folder = "{configs}"
    plugins_folder = "{folders["plugins"]}"
    transports_folder = "{folders["transports"]}"
    events_folder = "{workdir / "none"}"
    loggers_folder = "{workdir / "none"}"
    debug_level = {DEBUG_LEVEL}
    interface = "127.0.0.1"
    hide_dependencies = true
}}
media: {{
}}
nat: {{
    nice_debug = false
    ice_enforce_list = "lo"
}}
""")
    (configs / "janus.transport.http.jcfg").write_text(f"""
general: {{
    json = "compact"
    base_path = "/janus"
    http = true
    port = {port}
    ip = "127.0.0.1"
    https = false
}}
admin: {{
    admin_http = false
    admin_https = false
}}
""")
    (configs / "janus.plugin.videoroom.jcfg").write_text(f"""
general: {{
}}
room-{ROOM}: {{
    description = "bench"
    publishers = {participants + 1}
    bitrate = 0
    fir_freq = 0
    audiocodec = "opus"
    videocodec = "vp8"
    record = false
}}
""")
    (workdir / "loopback.c").write_text(LOOPBACK_SHIM)
    shim = workdir / "loopback.so"
    subprocess.run(
        ["cc", "-shared", "-fPIC", "-o", str(shim), str(workdir / "loopback.c"), "-ldl"],
        check=True,
        capture_output=True,
    )
    command = [str(JANUS), "--configs-folder", str(configs), "--disable-colors"]
    env = {**os.environ, "LD_PRELOAD": str(shim)}
    server = ServerProcess(command, workdir, env, port, health="/janus/info")
    seats = [Seat(i) for i in range(1, participants + 2)]
    late = seats.pop()
    hearing = BenchHearing(ROOM, seats[0], seats[1:], Seat(late.participant_id, publishes=False))
    return server, hearing
