"""Sending invitations by mail (SMTP, with the printable invitation attached) and by SMS (an HTTP
gateway), in the background: the request that asked has already answered with the link, so a
mail server that is down or a gateway that times out never holds up scheduling. Each attempt's
outcome is written to its `invitation_deliveries` row for the clerk. The link itself is never
stored: it travels only in the job, in this process's memory, until sent."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiohttp
import aiosmtplib
from sqlalchemy import update

from config.delivery import MailSettings, SmsGateway
from court.invitation_letter import Invitation, letter, short_text
from hearing_server.db.database import Database
from hearing_server.db.delivery_rows import Channel, FailureReason, InvitationDelivery
from hearing_server.db.models import utcnow
from hearing_server.invitation_pdf import invitation_pdf
from signaling.background import BackgroundTasks

log = logging.getLogger(__name__)

AT_ONCE = 4
"""Sends in flight per process: a clerk sending a creditors' list at once queues the rest."""
GATEWAY_ANSWER_BYTES = 4096
"""Of the gateway's answer, read for the reason of a failure."""
INTERRUPTED_AFTER_SECONDS = 600.0
"""A row still ``sending`` this long after it was asked for was cut off (the process stopped):
longer than any configured timeout allows."""


@dataclass(frozen=True)
class Job:
    delivery_id: int
    channel: Channel
    address: str
    invitation: Invitation


class Undelivered(Exception):
    """The attempt failed: ``reason`` in a word, the message in words for the clerk."""

    def __init__(self, reason: FailureReason, message: str) -> None:
        super().__init__(message[:400])
        self.reason = reason


class InvitationSender:
    def __init__(
        self, database: Database, mail: MailSettings | None, sms: SmsGateway | None
    ) -> None:
        self.database = database
        self.mail = mail
        self.sms = sms
        self._background = BackgroundTasks(log, "sending an invitation")
        self._slots = asyncio.Semaphore(AT_ONCE)
        self._http: aiohttp.ClientSession | None = None

    def can_send(self, channel: Channel) -> bool:
        return (self.mail if channel == "mail" else self.sms) is not None

    def start(self, jobs: list[Job]) -> None:
        """Send each job in the background (call after the rows were committed)."""
        for job in jobs:
            self._background.spawn(self._send(job))

    async def wait(self) -> None:
        """Until every send started so far has ended (tests, shutdown)."""
        await self._background.wait()

    async def close(self) -> None:
        await self._background.close()
        if self._http is not None:
            await self._http.close()

    async def _send(self, job: Job) -> None:
        async with self._slots:
            try:
                if job.channel == "mail":
                    await self._mail(job)
                else:
                    await self._text(job)
            except Undelivered as failure:
                log.info(
                    "invitation %d by %s not delivered: %s", job.delivery_id, job.channel, failure
                )
                await self._finish(job.delivery_id, "failed", failure.reason, str(failure))
                return
        await self._finish(job.delivery_id, "sent", None, None)

    async def _mail(self, job: Job) -> None:
        settings = self.mail
        if settings is None:
            raise Undelivered("other", "this server has no mail server configured")
        words = letter(job.invitation)
        attachment = await asyncio.to_thread(
            invitation_pdf, job.invitation.court, words, job.invitation.link
        )
        message = EmailMessage()
        message["From"] = settings.sender
        message["To"] = job.address
        message["Subject"] = words.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
        message.set_content(words.text())
        message.add_attachment(
            attachment, maintype="application", subtype="pdf", filename="invitation.pdf"
        )
        password = settings.password.get_secret_value() if settings.password else None
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.host,
                port=settings.port,
                username=settings.username,
                password=password,
                start_tls=settings.starttls,
                timeout=settings.timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise Undelivered(
                "refused", f"the mail server refused the address: {_reply(exc)}"
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise Undelivered(
                "refused", f"the mail server refused: {exc.code} {exc.message}"
            ) from exc
        except (aiosmtplib.SMTPTimeoutError, TimeoutError) as exc:
            raise Undelivered(
                "timeout", f"no answer from the mail server within {settings.timeout_seconds:g} s"
            ) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise Undelivered("unreachable", f"could not reach the mail server: {exc}") from exc

    async def _text(self, job: Job) -> None:
        gateway = self.sms
        if gateway is None:
            raise Undelivered("other", "this server has no SMS gateway configured")
        template = gateway.template_en if job.invitation.language == "en" else gateway.template
        body = {"to": job.address, "text": short_text(job.invitation, template)}
        headers = {}
        if gateway.token is not None:
            headers["Authorization"] = f"Bearer {gateway.token.get_secret_value()}"
        if self._http is None:
            self._http = aiohttp.ClientSession()
        try:
            async with self._http.post(
                gateway.url,
                json=body,
                headers=headers,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=gateway.timeout_seconds),
            ) as response:
                if 200 <= response.status < 300:
                    return
                answer = (await response.content.read(GATEWAY_ANSWER_BYTES)).decode(
                    "utf-8", "replace"
                )
                said = " ".join(answer.split())[:200]
                raise Undelivered(
                    "refused",
                    f"the SMS gateway answered {response.status}" + (f": {said}" if said else ""),
                )
        except TimeoutError as exc:
            raise Undelivered(
                "timeout", f"no answer from the SMS gateway within {gateway.timeout_seconds:g} s"
            ) from exc
        except aiohttp.ClientError as exc:
            raise Undelivered("unreachable", f"could not reach the SMS gateway: {exc}") from exc

    async def _finish(
        self, delivery_id: int, state: str, reason: FailureReason | None, detail: str | None
    ) -> None:
        async with self.database.session() as db:
            await db.execute(
                update(InvitationDelivery)
                .where(InvitationDelivery.id == delivery_id)
                .values(state=state, reason=reason, detail=detail, finished_at=utcnow())
            )
            await db.commit()


def _reply(exc: aiosmtplib.SMTPRecipientsRefused) -> str:
    refusals = [f"{r.code} {r.message}" for r in exc.recipients]
    return "; ".join(refusals)[:300] or "refused"
