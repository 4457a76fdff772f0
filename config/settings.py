"""One settings object for the whole server.

Values come, in rising priority, from the defaults below, an optional TOML file
(``--config`` or ``HEARING_CONFIG``) and ``HEARING_*`` environment variables. The
defaults are the embedded ones: an SQLite file and a recordings folder under
``./var/``, one process bound to 127.0.0.1:8080, no Redis, no ICE servers.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    Field,
    IPvAnyNetwork,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.broadcast import BroadcastSettings
from config.delivery import MailSettings, SmsGateway

_ENV_PREFIX = "HEARING_"
EXHIBIT_LINK_SECONDS = 8 * 3600
"""How long a signed link to an exhibit file works unless configured: a long hearing's day."""


class SettingsError(Exception):
    """The configuration is invalid; the message says what to change."""


class IceServer(BaseModel):
    """One STUN or TURN server handed to aiortc and to browsers."""

    urls: list[str] = Field(min_length=1)
    username: str | None = None
    credential: str | None = None

    @field_validator("urls")
    @classmethod
    def _check_scheme(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.startswith(("stun:", "stuns:", "turn:", "turns:")):
                raise ValueError(
                    f"ICE server URL {url!r} must start with stun:, stuns:, turn: or turns:"
                )
        return urls


class Settings(BaseSettings):
    """Validated server configuration."""

    model_config = SettingsConfigDict(
        env_prefix=_ENV_PREFIX, extra="forbid", env_nested_delimiter="__"
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    database_url: str = "sqlite+aiosqlite:///var/hearing.db"
    recordings_dir: Path = Path("var/recordings")
    backup_dir: Path | None = Field(
        default=None,
        description="A second folder (another disk, a mounted share) holding a copy of every "
        "recording file; reads fall back to it when a file is lost from recordings_dir.",
    )
    web_dir: Path = Field(
        default=Path(__file__).resolve().parent.parent / "web_client" / "dist",
        description="The built browser client (`make web`) that the server hands out.",
    )
    signing_key_path: Path = Field(
        default=Path("var/keys/archive-ed25519.pem"),
        description="The server's Ed25519 key (PEM, mode 0600) that signs hearing manifests; "
        "made on first use.",
    )
    s3_bucket: str | None = Field(
        default=None,
        description="Keep sealed recording files in this S3-compatible bucket instead of "
        "recordings_dir (which stays the working folder); credentials from the AWS_* "
        "environment variables or files.",
    )
    s3_prefix: str = ""
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    redis_url: str | None = Field(
        default=None,
        description="Set it to run several server processes as one system: placement of "
        "hearings and socket.io messages are shared through this Redis.",
    )
    redis_prefix: str = Field(
        default="hs",
        pattern=r"^[A-Za-z0-9_.-]{1,40}$",
        description="Prefix of this deployment's Redis keys and channel.",
    )
    node_url: str | None = Field(
        default=None,
        description="Where clients reach this process for the hearings it holds (with several "
        "processes each has its own); public_url if unset.",
    )
    ice_servers: list[IceServer] = Field(default_factory=list)
    turn_urls: list[str] = Field(
        default_factory=list,
        description="TURN URLs whose server shares turn_secret (coturn `use-auth-secret`): every "
        "participant is handed its own time-limited credential for them.",
    )
    turn_secret: SecretStr | None = Field(
        default=None, description="coturn's `static-auth-secret`; keep it out of the repository."
    )
    turn_ttl_seconds: int = Field(
        default=86400,
        ge=60,
        description="How long a participant's TURN credential lasts; an allocation cannot be "
        "refreshed after it expires, so it must outlast the longest hearing.",
    )

    log_format: Literal["text", "json"] = Field(
        default="text",
        description="text for a terminal; json: one object per line with hearing_id and "
        "participant_id, for a log collector",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token Prometheus presents for /metrics; without one, /metrics "
        "answers loopback clients only.",
    )
    drain_seconds: float = Field(
        default=300,
        ge=0,
        description="On SIGTERM, how long to let running hearings go on (no new ones start) "
        "before the server stops anyway; a second SIGTERM stops at once.",
    )

    tls_cert: Path | None = None
    tls_key: Path | None = None
    public_url: str | None = Field(
        default=None,
        description="Base URL people open (used in invitation links); derived from host/port if unset.",
    )

    court_timezone: str = Field(
        default="Asia/Shanghai",
        description="Where 'today' and dates in searches are reckoned (IANA name).",
    )
    court_language: Literal["zh", "en", "zh+en"] = Field(
        default="zh",
        description="The language of the words burned into archive videos (chapter titles, "
        "roles under the names, recess cards): zh, en, or zh+en for both.",
    )
    reconnect_grace_seconds: float = Field(
        default=60.0, gt=0, le=3600, description="How long a dropped participant keeps their place."
    )
    media_stall_seconds: float = Field(
        default=5.0,
        ge=2,
        le=300,
        description="A participant who was sending and from whose device nothing arrives (no "
        "media, no RTCP) for this long, while still connected, is shown to the bench as stalled.",
    )
    invitation_ttl_hours: float = Field(default=72.0, gt=0, le=24 * 365)
    mail: MailSettings | None = Field(
        default=None, description="The SMTP server invitations are mailed through (none: no mail)."
    )
    sms: SmsGateway | None = Field(
        default=None, description="The HTTP gateway invitations are texted through (none: no SMS)."
    )
    broadcast: BroadcastSettings = Field(
        default_factory=BroadcastSettings,
        description="The live public broadcast of hearings the court marks public.",
    )
    session_ttl_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    max_request_bytes: int = Field(default=256 * 1024, ge=1024)
    http_idle_seconds: float = Field(
        default=20.0,
        gt=0,
        le=3600,
        description="An HTTP connection that completes no request for this long (idle, or "
        "sending its headers too slowly) is closed; websockets are not affected.",
    )
    http_body_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="How long a request body may take to arrive before 408.",
    )
    exhibit_max_bytes: int = Field(
        default=100_000_000, ge=1, le=2**40, description="Largest exhibit file accepted."
    )
    exhibit_max_pages: int = Field(default=500, ge=1, description="Pages of an exhibit PDF.")
    exhibit_max_page_points: float = Field(
        default=14_400, gt=0, description="Longest side of a PDF page, in points (1/72 inch)."
    )
    exhibit_max_pixels: int = Field(
        default=50_000_000, ge=1, description="Width × height of an image or a video frame."
    )
    exhibit_max_duration_seconds: float = Field(
        default=2 * 3600, gt=0, description="Length of an audio or video exhibit."
    )
    exhibit_pdf_cpu_seconds: int = Field(
        default=10, ge=1, description="CPU time that reading one PDF may take."
    )
    exhibit_pdf_wall_seconds: float = Field(
        default=20, gt=0, description="Time that reading one PDF may take, waiting included."
    )
    exhibit_pdf_memory_bytes: int = Field(
        default=1 << 30,
        ge=64 << 20,
        description="Address space of the process reading one PDF (with PDFium in it).",
    )
    exhibit_page_cpu_seconds: int = Field(
        default=5, ge=1, description="CPU time that drawing one PDF page for the screen may take."
    )
    exhibit_page_wall_seconds: float = Field(
        default=10, gt=0, description="Time that drawing one PDF page may take, waiting included."
    )
    exhibit_image_cpu_seconds: int = Field(
        default=10, ge=1, description="CPU time that reading one image may take."
    )
    exhibit_image_wall_seconds: float = Field(
        default=20, gt=0, description="Time that reading one image may take, waiting included."
    )
    exhibit_image_memory_bytes: int = Field(
        default=1 << 30,
        ge=64 << 20,
        description="Address space of the process reading one image (with its decoded pixels).",
    )
    exhibit_media_cpu_seconds: int = Field(
        default=10, ge=1, description="CPU time that reading one audio or video file may take."
    )
    exhibit_media_wall_seconds: float = Field(
        default=20,
        gt=0,
        description="Time that reading one audio or video file may take, waiting included.",
    )
    exhibit_media_memory_bytes: int = Field(
        default=1 << 30,
        ge=256 << 20,
        description="Address space of the process reading one audio or video file (FFmpeg "
        "alone takes about 150 MB of it).",
    )
    exhibit_prepare_pages: bool = Field(
        default=True,
        description="Draw every page of an accepted PDF or image in the background, so that "
        "pages turned in court are read, not drawn, when first shown.",
    )
    exhibit_link_seconds: int = Field(
        default=EXHIBIT_LINK_SECONDS,
        ge=60,
        le=7 * 24 * 3600,
        description="How long a signed link to an exhibit file or its pages works (for <img> "
        "and <video> elements, which cannot send credentials): a hearing's length.",
    )
    upload_dir: Path | None = Field(
        default=None,
        description="Where exhibit files wait while they are being uploaded (a folder named "
        "uploads next to recordings_dir if unset).",
    )
    upload_expiry_hours: float = Field(
        default=24,
        gt=0,
        le=24 * 30,
        description="An upload not finished within this long is dropped with its bytes.",
    )
    login_attempts: int = Field(
        default=5, ge=1, description="Login attempts per address on one account per window."
    )
    login_address_attempts: int = Field(
        default=30, ge=1, description="Login attempts per address on any accounts per window."
    )
    login_account_attempts: int = Field(
        default=20,
        ge=1,
        description="Attempts on one account from all addresses in a window after which each "
        "address gets one attempt on it per window (an address is never refused for what "
        "others did, so the owner still logs in).",
    )
    login_window_seconds: float = Field(default=300.0, gt=0)
    password_check_workers: int = Field(
        default=2, ge=1, le=64, description="Threads checking passwords (argon2, ~0.1 s each)."
    )
    password_check_queue: int = Field(
        default=32,
        ge=0,
        description="Logins that may wait for a password-check thread; more are refused at "
        "once with 429 and Retry-After.",
    )
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description="Networks of the reverse proxies whose client_address_header names the "
        "client; from anyone else the header is ignored.",
    )
    client_address_header: str = Field(default="X-Forwarded-For", pattern=r"^[A-Za-z0-9-]{1,64}$")

    @field_validator("database_url")
    @classmethod
    def _check_database(cls, url: str) -> str:
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "database_url must use an async driver: sqlite+aiosqlite:///path or "
                "postgresql+asyncpg://user@host/db"
            )
        return url

    @field_validator("court_timezone")
    @classmethod
    def _check_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai"
            ) from exc
        return name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.court_timezone)

    @field_validator("turn_urls")
    @classmethod
    def _check_turn_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.startswith(("turn:", "turns:")):
                raise ValueError(f"TURN URL {url!r} must start with turn: or turns:")
        return urls

    @model_validator(mode="after")
    def _check_turn_pair(self) -> Self:
        if bool(self.turn_urls) != (self.turn_secret is not None):
            raise ValueError("turn_urls and turn_secret must be set together")
        return self

    @model_validator(mode="after")
    def _check_tls_pair(self) -> Self:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key must be set together")
        for path in (self.tls_cert, self.tls_key):
            if path is not None and not path.is_file():
                raise ValueError(f"TLS file {path} does not exist")
        return self

    @property
    def uploads_dir(self) -> Path:
        return self.upload_dir or self.recordings_dir.parent / "uploads"

    @property
    def own_url(self) -> str:
        """This process's address for the hearings it holds."""
        return self.node_url.rstrip("/") if self.node_url else self.base_url

    @property
    def base_url(self) -> str:
        """The URL printed and put into invitation links."""
        if self.public_url:
            return self.public_url.rstrip("/")
        scheme = "https" if self.tls_cert else "http"
        host = "localhost" if self.host in ("127.0.0.1", "0.0.0.0", "::") else self.host
        return f"{scheme}://{host}:{self.port}"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Read the TOML file (if any) under the environment, validate, and explain failures."""
    path = config_file or (
        Path(os.environ["HEARING_CONFIG"]) if os.environ.get("HEARING_CONFIG") else None
    )
    file_values: dict[str, Any] = {}
    if path is not None:
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc
    # Environment variables win over the file, but pydantic-settings gives init values
    # priority: so pass only the file keys the environment does not set.
    env_keys = {
        name[len(_ENV_PREFIX) :].lower().split("__")[0]
        for name in os.environ
        if name.startswith(_ENV_PREFIX)
    }
    values = {key: value for key, value in file_values.items() if key not in env_keys}
    values.update(overrides)
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"invalid configuration: {problems}") from exc
