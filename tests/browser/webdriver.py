"""A minimal W3C WebDriver client for WebKitGTK (the engine of Safari), over aiohttp.

Debian's ``webkit2gtk-driver`` provides ``WebKitWebDriver``, which starts WebKitGTK's MiniBrowser
for each session. WebKitGTK has no headless mode: the browser draws on its own Xvfb display. The
browser gets WebKit's mock camera and microphone (``--enable-mock-capture-devices``), which need
no permission prompt.

Everything is async on the test's event loop, which also runs the server under test: nothing here
may block it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

import aiohttp

WEBKIT_DRIVER = Path("/usr/bin/WebKitWebDriver")
XVFB = Path("/usr/bin/Xvfb")
STARTUP_S = 30
COMMAND_S = 60
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
"""The key of a web element reference in W3C WebDriver JSON."""

BROWSER_ARGS = [
    "--automation",
    "--enable-media=true",
    "--enable-media-stream=true",
    "--enable-mock-capture-devices=true",
    "--enable-webrtc=true",
]


def make_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)


def save_png(path: Path, data: str) -> None:
    path.write_bytes(base64.b64decode(data))


class WebDriverError(Exception):
    """A command the driver refused (its error and message)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def start_xvfb(log: Path) -> tuple[asyncio.subprocess.Process, str]:
    """A virtual X display of its own: the process and its ``DISPLAY`` (``:N``)."""
    read_end, write_end = os.pipe()
    try:
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                str(XVFB),
                "-displayfd",
                str(write_end),
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
                pass_fds=(write_end,),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )
        os.close(write_end)
        write_end = -1
        # Xvfb writes the number, then a newline, once it accepts connections.
        number = await asyncio.wait_for(
            asyncio.get_running_loop().run_in_executor(None, read_line, read_end), STARTUP_S
        )
    finally:
        os.close(read_end)
        if write_end != -1:
            os.close(write_end)
    if not number.strip().isdigit():
        await stop(process)
        raise RuntimeError(f"Xvfb did not start (see {log})")
    return process, f":{number.strip()}"


def read_line(fd: int) -> str:
    """Read ``fd`` up to a newline or its end (blocking: run it in an executor)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 64)
        if not chunk:
            break
        data += chunk
    return data.decode()


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


class WebKit:
    """One WebKitWebDriver, its Xvfb display and one browser session (one window)."""

    def __init__(
        self,
        xvfb: asyncio.subprocess.Process,
        driver: asyncio.subprocess.Process,
        http: aiohttp.ClientSession,
        base: str,
    ) -> None:
        self.xvfb = xvfb
        self.driver = driver
        self.http = http
        self.base = base
        self.session = ""
        self.version = ""

    @classmethod
    async def launch(cls, logs: Path, *, width: int, height: int) -> WebKit:
        """Start a display, the driver and a session whose window is ``width`` x ``height``."""
        make_dir(logs)
        xvfb, display = await start_xvfb(logs / "xvfb.log")
        port = free_port()
        env = dict(os.environ, DISPLAY=display)
        env.pop("WAYLAND_DISPLAY", None)
        with (logs / "webkit.log").open("wb") as out:
            driver = await asyncio.create_subprocess_exec(
                str(WEBKIT_DRIVER),
                f"--port={port}",
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )
        webkit = cls(xvfb, driver, aiohttp.ClientSession(), f"http://127.0.0.1:{port}")
        try:
            await webkit._wait_ready()
            capabilities = {"webkitgtk:browserOptions": {"args": BROWSER_ARGS}}
            session = await webkit.command(
                "POST", "/session", {"capabilities": {"alwaysMatch": capabilities}}
            )
            webkit.session = str(session["sessionId"])
            webkit.version = str(session["capabilities"].get("browserVersion", ""))
            await webkit.command(
                "POST", f"/session/{webkit.session}/window/rect", {"width": width, "height": height}
            )
        except BaseException:
            await webkit.close()
            raise
        return webkit

    async def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_S
        while True:
            if self.driver.returncode is not None:
                raise RuntimeError(f"WebKitWebDriver exited at start ({self.driver.returncode})")
            with contextlib.suppress(aiohttp.ClientError):
                status = await self.command("GET", "/status")
                if status.get("ready"):
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"WebKitWebDriver did not answer in {STARTUP_S} s")
            await asyncio.sleep(0.1)

    async def command(self, method: str, path: str, body: Any = None) -> Any:
        """One WebDriver command; its ``value``, or :class:`WebDriverError`."""
        async with self.http.request(
            method,
            self.base + path,
            json=body,
            timeout=aiohttp.ClientTimeout(total=COMMAND_S),
        ) as response:
            data = json.loads(await response.text())
        value = data.get("value")
        if response.status >= 400:
            error = value if isinstance(value, dict) else {}
            raise WebDriverError(f"{method} {path}: {error.get('error')}: {error.get('message')}")
        return value

    def page(self, name: str) -> WebKitPage:
        return WebKitPage(self, name)

    async def close(self) -> None:
        if self.session:
            with contextlib.suppress(Exception):
                await self.command("DELETE", f"/session/{self.session}")
        await self.http.close()
        await stop(self.driver)
        await stop(self.xvfb)


class WebKitPage:
    """The session's window."""

    def __init__(self, webkit: WebKit, name: str) -> None:
        self.webkit = webkit
        self.name = name
        self.errors: list[str] = []
        """Classic WebDriver does not report a page's console: always empty."""

    @property
    def _session(self) -> str:
        return f"/session/{self.webkit.session}"

    async def goto(self, url: str) -> None:
        await self.webkit.command("POST", f"{self._session}/url", {"url": url})

    async def evaluate(self, function: str, *args: Any) -> Any:
        """Call the JavaScript ``function`` with JSON-able ``args``; return its (awaited) JSON-able
        result."""
        script = (
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve().then(() => ({function})(...JSON.parse(arguments[0])))"
            ".then((value) => done({ok: JSON.stringify(value ?? null)}),"
            " (error) => done({error: String(error)}));"
        )
        reply = await self.webkit.command(
            "POST", f"{self._session}/execute/async", {"script": script, "args": [json.dumps(args)]}
        )
        if "error" in reply:
            raise WebDriverError(f"script error: {reply['error']}")
        return json.loads(reply["ok"])

    async def click(self, selector: str) -> None:
        """Click the element ``selector`` finds (WebDriver scrolls it into view first)."""
        found = await self.webkit.command(
            "POST", f"{self._session}/element", {"using": "css selector", "value": selector}
        )
        await self.webkit.command("POST", f"{self._session}/element/{found[ELEMENT]}/click", {})

    async def screenshot(self, path: Path) -> None:
        shot = await self.webkit.command("GET", f"{self._session}/screenshot")
        save_png(path, str(shot))
