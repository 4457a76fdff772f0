"""Stand-ins for what invitations are sent through, listening on loopback in the test's event
loop: a real SMTP server (aiosmtpd) that keeps each mail it accepts, and an HTTP endpoint in the
SMS gateway's place that keeps each request and answers as told (e.g. 500)."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from aiosmtpd.smtp import SMTP, Envelope, Session

from config.delivery import MailSettings, SmsGateway


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    def text(self) -> str:
        """Every text part of the message, decoded (quoted-printable or base64 undone)."""
        parts = [
            part.get_content()
            for part in self.message.walk()
            if part.get_content_maintype() == "text"
        ]
        return "\n".join(str(p) for p in parts)


@dataclass
class MailServer:
    """An SMTP server on 127.0.0.1:`port` (no TLS, no login) keeping what it accepts and
    refusing the addresses in `refused` (550, as for an unknown mailbox)."""

    port: int = 0
    received: list[Mail] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        """aiosmtpd's hook for each recipient the client names."""
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """aiosmtpd's hook for a message's content, once the client has sent it all."""
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(
            Mail(str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos], message)
        )
        return "250 Message accepted for delivery"


@asynccontextmanager
async def mail_server() -> AsyncIterator[MailServer]:
    recorder = MailServer()
    loop = asyncio.get_running_loop()
    listening = await loop.create_server(
        lambda: SMTP(recorder, hostname="mail.courts.test", enable_SMTPUTF8=True),
        "127.0.0.1",
        0,
    )
    recorder.port = listening.sockets[0].getsockname()[1]
    try:
        yield recorder
    finally:
        listening.close()
        await listening.wait_closed()


@dataclass
class Gateway:
    """An HTTP endpoint in an SMS gateway's place: each request's JSON body and headers kept,
    answered with `status`, or for a number in `answers` with its status and text; a number in
    `slow` is answered only after `SLOW_SECONDS` (past a short timeout)."""

    url: str = ""
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    answers: dict[str, tuple[int, str]] = field(default_factory=dict)
    slow: set[str] = field(default_factory=set)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        self.headers.append(dict(request.headers))
        to = str(body.get("to"))
        if to in self.slow:
            await asyncio.sleep(SLOW_SECONDS)
        if to in self.answers:
            status, text = self.answers[to]
            return web.Response(status=status, text=text)
        return web.json_response({"ok": self.status < 300}, status=self.status)


SLOW_SECONDS = 3.0


@asynccontextmanager
async def sms_gateway(status: int = 200) -> AsyncIterator[Gateway]:
    gateway = Gateway(status=status)
    app = web.Application()
    app.router.add_post("/send", gateway.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    gateway.url = str(server.make_url("/send"))
    try:
        yield gateway
    finally:
        await server.close()


def delivery_settings(
    mail: MailServer, gateway: Gateway, *, sms_timeout: float = 5.0, token: str | None = None
) -> dict[str, Any]:
    """The server's `mail` and `sms` settings for these stand-ins (no TLS, no login)."""
    return {
        "mail": MailSettings(
            host="127.0.0.1",
            port=mail.port,
            sender="court@courts.test",
            starttls=False,
            timeout_seconds=5,
        ),
        "sms": SmsGateway(url=gateway.url, token=token, timeout_seconds=sms_timeout),
    }
