"""Where invitations are sent from: a mail server (SMTP) and an HTTP gateway for SMS. Both are
optional; without them the clerk passes links on by hand, as before."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr, field_validator

SMS_TEMPLATE = "【{court}】{name}：请于{time}参加{case}的在线庭审，入口：{link}"
"""The default SMS text (the court's language is Chinese unless the participant's is English)."""

SMS_TEMPLATE_EN = "{court}: {name}, please join the online hearing of {case} at {time}: {link}"

TEMPLATE_FIELDS = ("court", "name", "case", "time", "link")


class MailSettings(BaseModel):
    """An SMTP server that accepts the court's mail."""

    host: str = Field(min_length=1, max_length=253)
    port: int = Field(default=587, ge=1, le=65535)
    sender: str = Field(
        min_length=3, max_length=254, description="The From address, e.g. court@example.gov.cn"
    )
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = Field(default=True, description="Upgrade the connection with STARTTLS.")
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)


class SmsGateway(BaseModel):
    """An HTTP endpoint that sends a text message: the server POSTs JSON ``{"to": phone,
    "text": message}`` and counts any 2xx answer as sent."""

    url: str = Field(pattern=r"^https?://", max_length=2000)
    template: str = Field(default=SMS_TEMPLATE, min_length=1, max_length=500)
    """The message; ``{court}``, ``{name}``, ``{case}``, ``{time}`` and ``{link}`` are filled in."""
    template_en: str = Field(default=SMS_TEMPLATE_EN, min_length=1, max_length=500)
    """The message to a participant whose language is English."""
    token: SecretStr | None = Field(
        default=None, description="Sent as `Authorization: Bearer <token>` when set."
    )
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)

    @field_validator("template", "template_en")
    @classmethod
    def _check_fields(cls, template: str) -> str:
        try:
            template.format(**dict.fromkeys(TEMPLATE_FIELDS, ""))
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                f"the SMS template may use only {{{'}, {'.join(TEMPLATE_FIELDS)}}}: {exc}"
            ) from exc
        if "{link}" not in template:
            raise ValueError("the SMS template must contain {link}")
        return template
