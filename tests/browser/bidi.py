"""A minimal WebDriver BiDi client for Debian's Firefox (no geckodriver, no downloaded browser).

Firefox speaks BiDi itself: started with ``--remote-debugging-port 0`` it listens on a websocket
whose port it writes to ``WebDriverBiDiServer.json`` in its profile. This module starts it with a
fresh profile (fake camera and microphone, loopback ICE candidates), opens tabs, and offers what
the engine tests need: navigate, run a function in the page, click like a finger, screenshot, and
the page's errors (console errors and uncaught exceptions).

Everything is async on the test's event loop, which also runs the server under test: nothing here
may block it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from pathlib import Path
from typing import Any

import aiohttp

from tests.browser.webdriver import stop

FIREFOX = Path("/usr/bin/firefox-esr")
STARTUP_S = 30
COMMAND_S = 30

PREFS: dict[str, bool | int | str] = {
    # A fake camera (a moving picture) and microphone (a tone), granted without asking.
    "media.navigator.streams.fake": True,
    "media.navigator.permission.disabled": True,
    # Everything runs on one machine: the server offers only 127.0.0.1 candidates.
    "media.peerconnection.ice.loopback": True,
    "media.peerconnection.ice.obfuscate_host_addresses": False,
    "intl.accept_languages": "zh-CN",
    # No internet here: keep Firefox from phoning home at start.
    "app.update.disabledForTesting": True,
    "browser.shell.checkDefaultBrowser": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
}


class BidiError(Exception):
    """A command the browser refused (its error and message)."""


def user_js(prefs: dict[str, bool | int | str]) -> str:
    return "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())


def new_profile(profile: Path) -> None:
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "user.js").write_text(user_js(PREFS))


def save_png(path: Path, data: str) -> None:
    path.write_bytes(base64.b64decode(data))


class Firefox:
    """One headless Firefox process and its BiDi session."""

    def __init__(
        self,
        process: asyncio.subprocess.Process,
        http: aiohttp.ClientSession,
        socket: aiohttp.ClientWebSocketResponse,
    ) -> None:
        self.process = process
        self.version = ""
        self._http = http
        self._socket = socket
        self._ids = 0
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._tabs: dict[str, FirefoxTab] = {}
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def launch(cls, profile: Path, binary: Path = FIREFOX) -> Firefox:
        """Start Firefox on a new profile in ``profile`` (its output goes to ``<profile>.log``)."""
        new_profile(profile)
        port_file = profile / "WebDriverBiDiServer.json"
        with (profile.parent / f"{profile.name}.log").open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                str(binary),
                "--headless",
                "--no-remote",
                "--profile",
                str(profile),
                "--remote-debugging-port",
                "0",
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        http = aiohttp.ClientSession()
        try:
            deadline = time.monotonic() + STARTUP_S
            while not port_file.is_file() or not port_file.read_text().strip():
                if process.returncode is not None:
                    raise RuntimeError(f"Firefox exited at start ({process.returncode})")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Firefox did not start its BiDi server in {STARTUP_S} s")
                await asyncio.sleep(0.1)
            port = json.loads(port_file.read_text())["ws_port"]
            socket = await http.ws_connect(f"ws://127.0.0.1:{port}/session", max_msg_size=0)
        except BaseException:
            await http.close()
            await stop(process)
            raise
        firefox = cls(process, http, socket)
        try:
            session = await firefox.command("session.new", {"capabilities": {}})
            firefox.version = str(session["capabilities"]["browserVersion"])
            await firefox.command("session.subscribe", {"events": ["log.entryAdded"]})
        except BaseException:
            await firefox.close()
            raise
        return firefox

    async def command(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Send one command and return its result; raise :class:`BidiError` on an error reply."""
        self._ids += 1
        ident = self._ids
        reply: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[ident] = reply
        try:
            await self._socket.send_json({"id": ident, "method": method, "params": params})
            message = await asyncio.wait_for(reply, COMMAND_S)
        finally:
            self._pending.pop(ident, None)
        if message.get("type") == "error":
            raise BidiError(f"{method}: {message.get('error')}: {message.get('message')}")
        result: dict[str, Any] = message["result"]
        return result

    async def new_tab(self, name: str, *, width: int, height: int) -> FirefoxTab:
        """A new tab whose viewport is ``width`` x ``height`` CSS pixels."""
        created = await self.command("browsingContext.create", {"type": "tab"})
        context = str(created["context"])
        await self.command(
            "browsingContext.setViewport",
            {"context": context, "viewport": {"width": width, "height": height}},
        )
        tab = FirefoxTab(self, context, name)
        self._tabs[context] = tab
        return tab

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.command("browser.close", {}), 5)
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        await self._socket.close()
        await self._http.close()
        await stop(self.process)

    async def _read(self) -> None:
        async for message in self._socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data: dict[str, Any] = json.loads(message.data)
            ident = data.get("id")
            if isinstance(ident, int) and ident in self._pending:
                if not self._pending[ident].done():
                    self._pending[ident].set_result(data)
            elif data.get("method") == "log.entryAdded":
                self._log(data["params"])
        for waiting in self._pending.values():
            if not waiting.done():
                waiting.set_exception(BidiError("the browser closed the connection"))

    def _log(self, entry: dict[str, Any]) -> None:
        tab = self._tabs.get(str(entry.get("source", {}).get("context", "")))
        if tab is None or entry.get("level") != "error":
            return
        text = str(entry.get("text", ""))
        tab.errors.append(f"page error: {text}" if entry.get("type") == "javascript" else text)


class FirefoxTab:
    """One tab (a BiDi browsing context)."""

    def __init__(self, firefox: Firefox, context: str, name: str) -> None:
        self.firefox = firefox
        self.context = context
        self.name = name
        self.errors: list[str] = []
        """Console errors and uncaught exceptions ("page error: ..."), in order."""

    async def goto(self, url: str) -> None:
        await self.firefox.command(
            "browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"}
        )

    async def evaluate(self, function: str, *args: Any) -> Any:
        """Call the JavaScript ``function`` with JSON-able ``args``; return its (awaited) JSON-able
        result."""
        declaration = (
            f"async (json) => JSON.stringify(await ({function})(...JSON.parse(json)) ?? null)"
        )
        result = await self.firefox.command(
            "script.callFunction",
            {
                "functionDeclaration": declaration,
                "arguments": [{"type": "string", "value": json.dumps(args)}],
                "target": {"context": self.context},
                "awaitPromise": True,
                "userActivation": False,
            },
        )
        if result.get("type") == "exception":
            details = result.get("exceptionDetails", {})
            raise BidiError(f"script error: {details.get('text')}")
        return json.loads(result["result"]["value"])

    async def click(self, selector: str) -> None:
        """Click the middle of the element ``selector`` finds, scrolled into view first, once
        it holds still: the same place in two reads 50 ms apart (for at most 2 s), so that a
        picture loading above it does not move it between the measure and the click."""
        middle = await self.evaluate(
            """async (selector) => {
                const element = document.querySelector(selector);
                if (element === null) return null;
                let last = null;
                for (let read = 0; read < 40; read++) {
                    element.scrollIntoView({ block: "center" });
                    const box = element.getBoundingClientRect();
                    const middle = [box.x + box.width / 2, box.y + box.height / 2];
                    if (last !== null && last[0] === middle[0] && last[1] === middle[1]) break;
                    last = middle;
                    await new Promise((done) => setTimeout(done, 50));
                }
                return last;
            }""",
            selector,
        )
        if middle is None:
            raise BidiError(f"no element matches {selector}")
        await self.click_at(*middle)

    async def click_at(self, x: float, y: float) -> None:
        """Press and release the pointer at ``x``, ``y`` of the viewport: a real user gesture,
        as autoplay and media policies see it."""
        await self.firefox.command(
            "input.performActions",
            {
                "context": self.context,
                "actions": [
                    {
                        "type": "pointer",
                        "id": "pointer",
                        "parameters": {"pointerType": "mouse"},
                        "actions": [
                            {"type": "pointerMove", "x": round(x), "y": round(y)},
                            {"type": "pointerDown", "button": 0},
                            {"type": "pointerUp", "button": 0},
                        ],
                    }
                ],
            },
        )

    async def drag(self, points: list[tuple[float, float]], pointer: str = "touch") -> None:
        """Press at the first of ``points`` (viewport pixels), move through the others in small
        steps and lift: a stroke of a finger (``pointer`` "touch") or a mouse ("mouse")."""
        (x, y), *rest = points
        moves: list[dict[str, Any]] = [
            {"type": "pointerMove", "x": round(x), "y": round(y)},
            {"type": "pointerDown", "button": 0},
        ]
        moves += [
            {"type": "pointerMove", "x": round(px), "y": round(py), "duration": 50}
            for px, py in rest
        ]
        moves.append({"type": "pointerUp", "button": 0})
        await self.firefox.command(
            "input.performActions",
            {
                "context": self.context,
                "actions": [
                    {
                        "type": "pointer",
                        "id": f"drag-{pointer}",
                        "parameters": {"pointerType": pointer},
                        "actions": moves,
                    }
                ],
            },
        )

    async def screenshot(self, path: Path) -> None:
        shot = await self.firefox.command(
            "browsingContext.captureScreenshot", {"context": self.context, "origin": "document"}
        )
        save_png(path, str(shot["data"]))
