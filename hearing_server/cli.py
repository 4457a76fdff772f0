"""The `hearing-server` command.

Each command imports what it needs when it runs: the server (aiohttp, aiortc, PyAV, the
PDF renderer...) takes over a second to import, which `--help`, `verify` on a copied record
or `migrate` should not wait for (and the tests start this command many times).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import secrets
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from court.roles import STAFF_ROLES, Role
from hearing_server.db.errors import NotMigratedError
from hearing_server.logs import configure_logging

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from sqlalchemy.ext.asyncio import AsyncSession

    from config import Settings
    from hearing_server.db.database import Database
    from recording.storage import Storage
    from recording.verify import Report


class CommandError(Exception):
    """A command could not do what was asked; the message says why."""


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    from config import SettingsError, load_settings

    configure_logging("text")
    try:
        settings = load_settings(args.config)
        configure_logging(settings.log_format)
        command: Callable[[argparse.Namespace, Settings], None] = args.command
        command(args, settings)
    except (SettingsError, NotMigratedError, CommandError) as exc:
        print(f"hearing-server: {exc}", file=sys.stderr)
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hearing-server", description="Virtual courtroom server")
    parser.add_argument(
        "--config", type=Path, help="TOML settings file (HEARING_* variables override it)"
    )
    sub = parser.add_subparsers(required=True, metavar="command")

    serve = sub.add_parser("serve", help="run the server")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="run N processes on ports port..port+N-1, coordinated through redis_url",
    )
    serve.set_defaults(command=_serve)

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(command=_migrate)

    demo = sub.add_parser(
        "demo", help="migrate, then create demo records and print how to use them"
    )
    demo.set_defaults(command=_demo)

    user = sub.add_parser("create-user", help="create a staff account (or --reset its password)")
    user.add_argument("username")
    user.add_argument("--role", choices=sorted(STAFF_ROLES), default="judge")
    user.add_argument("--name", help="display name (default: the username)")
    user.add_argument("--court", help="court code (created if new; required for judges and clerks)")
    user.add_argument(
        "--reset", action="store_true", help="set a new password for an existing account"
    )
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    user.set_defaults(command=_create_user)

    terminal = sub.add_parser(
        "create-terminal", help="register a detention-centre terminal; prints its secret"
    )
    terminal.add_argument("--centre", required=True, help="detention centre name (created if new)")
    terminal.add_argument("--name", required=True, help="terminal name")
    terminal.set_defaults(command=_create_terminal)

    cert = sub.add_parser(
        "make-cert", help="make a self-signed TLS certificate for LAN testing with phones"
    )
    cert.add_argument("--out", type=Path, default=Path("var/tls"))
    cert.add_argument(
        "--host", action="append", default=[], help="extra host name or IP (repeatable)"
    )
    cert.set_defaults(command=_make_cert)

    check = sub.add_parser(
        "verify",
        help="check a sealed hearing record: exit 0 if intact, 1 naming what changed",
    )
    check.add_argument(
        "target", help="a manifest file, or a hearing id (checks each of its sealed recordings)"
    )
    check.add_argument(
        "--files",
        type=Path,
        help="folder holding the manifest's files (default: the manifest's own folder; for a "
        "hearing id, the recordings storage)",
    )
    check.add_argument(
        "--public-key",
        type=Path,
        help="the server's public key (PEM); default: the key in signing_key_path",
    )
    check.set_defaults(command=_verify)
    return parser


def _with_database(settings: Settings, work: Callable[[Database], Awaitable[None]]) -> None:
    from hearing_server.db.database import Database

    async def run() -> None:
        database = Database(settings.database_url)
        try:
            await work(database)
        finally:
            await database.close()

    asyncio.run(run())


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    import ssl

    from hearing_server.app import create_app
    from hearing_server.serving import serve_until_stopped
    from hearing_server.workers import run_workers

    _with_database(settings, lambda db: db.check_migrated())
    if args.workers < 1:
        raise CommandError("--workers must be at least 1")
    if args.workers > 1:
        if settings.redis_url is None:
            raise CommandError("--workers needs redis_url: the processes coordinate through it")
        if settings.database_url.startswith("sqlite"):
            raise CommandError("--workers needs a PostgreSQL database_url shared by the processes")
        sys.exit(run_workers(args.workers, settings, args.config))
    context = None
    if settings.tls_cert and settings.tls_key:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(settings.tls_cert, settings.tls_key)
    print(
        f"Virtual courtroom server on {settings.base_url}  (health: {settings.base_url}/healthz)",
        flush=True,
    )
    app = create_app(settings)
    _settle_garbage_collector()
    asyncio.run(serve_until_stopped(app, settings, context))


GC_GEN0_THRESHOLD = 20_000


def _settle_garbage_collector() -> None:
    """Keep garbage collection from pausing the media forwarder.

    Forwarding allocates a few objects per packet, so with the default thresholds the
    collector ran a few times a second and, every half minute or so, a full collection that
    walks everything imported at start-up (aiortc, SQLAlchemy, pydantic...: ~160,000
    objects) held every stream for 30-300 ms. Start-up objects are moved out of the
    collector's sight (`gc.freeze`) and the youngest generation is collected less often;
    reference counting still frees nearly everything at once, the collector only finds cycles.
    """
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)


def _migrate(args: argparse.Namespace, settings: Settings) -> None:
    revisions: list[str | None] = []

    async def work(database: Database) -> None:
        revisions.extend(await database.migrate())

    _with_database(settings, work)
    before, after = revisions
    if before == after:
        print(f"database is at the newest revision ({after}); nothing to do")
    else:
        print(f"database upgraded from {before or 'empty'} to the newest revision ({after})")


def _demo(args: argparse.Namespace, settings: Settings) -> None:
    from hearing_server.demo import seed_demo

    async def work(database: Database) -> None:
        await database.migrate()
        async with database.session() as db:
            report = await seed_demo(db, settings)
        print(f"\nDemo court ready. Open {settings.base_url}/\n")
        for line in report.credentials + report.existing:
            print("  " + line)
        print("\n  Invitation links (new ones on every run; earlier links stop working):")
        for line in report.invitations:
            print("    " + line)
        print()

    _with_database(settings, work)


def _create_user(args: argparse.Namespace, settings: Settings) -> None:
    from sqlalchemy import select

    from hearing_server.auth import hash_password
    from hearing_server.db.models import User

    role = Role(args.role)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("password (empty: generate one): ")
    else:
        password = ""
    generated = not password
    password = password or secrets.token_urlsafe(12)
    if len(password) < 12:
        raise CommandError("a password needs at least 12 characters")

    async def work(database: Database) -> None:
        await database.check_migrated()
        async with database.session() as db:
            user = await db.scalar(select(User).where(User.username == args.username))
            if user is not None and not args.reset:
                raise CommandError(
                    f"user {args.username!r} exists; add --reset to give it a new password"
                )
            if user is None and args.reset:
                raise CommandError(f"no user {args.username!r} to reset")
            if user is None:
                court_id = await _court_id(db, args.court) if args.court else None
                if court_id is None and role is not Role.ADMIN:
                    raise CommandError("judges and clerks belong to a court: give --court CODE")
                user = User(
                    username=args.username,
                    display_name=args.name or args.username,
                    role=role,
                    court_id=court_id,
                    password_hash="",
                )
                db.add(user)
            user.password_hash = hash_password(password)
            await db.commit()
        print(
            f"{'password reset' if args.reset else 'created'}: {args.username}"
            + (f" / {password}" if generated else "")
        )

    _with_database(settings, work)


async def _court_id(db: AsyncSession, code: str) -> int:
    from sqlalchemy import select

    from hearing_server.db.models import Court

    court = await db.scalar(select(Court).where(Court.code == code))
    if court is None:
        court = Court(code=code, name=code)
        db.add(court)
        await db.flush()
    return court.id


def _create_terminal(args: argparse.Namespace, settings: Settings) -> None:
    from sqlalchemy import select

    from hearing_server.auth import hash_password
    from hearing_server.db.models import DetentionCentre, Terminal

    async def work(database: Database) -> None:
        await database.check_migrated()
        async with database.session() as db:
            centre = await db.scalar(
                select(DetentionCentre).where(DetentionCentre.name == args.centre)
            )
            if centre is None:
                centre = DetentionCentre(name=args.centre)
                db.add(centre)
                await db.flush()
            secret = secrets.token_urlsafe(18)
            terminal = Terminal(
                centre_id=centre.id, name=args.name, secret_hash=hash_password(secret)
            )
            db.add(terminal)
            await db.commit()
            print(f"terminal {terminal.id} ({args.name}) at {args.centre}: secret {secret}")

    _with_database(settings, work)


def _make_cert(args: argparse.Namespace, settings: Settings) -> None:
    from hearing_server.certs import lan_addresses, make_self_signed

    hosts = ["localhost", "127.0.0.1", *lan_addresses(), *args.host]
    cert, key = make_self_signed(args.out, list(dict.fromkeys(hosts)))
    print(f"wrote {cert} and {key} for {', '.join(dict.fromkeys(hosts))}")
    print(
        f"serve with: HEARING_TLS_CERT={cert} HEARING_TLS_KEY={key} HEARING_HOST=0.0.0.0 hearing-server serve"
    )


def _verify(args: argparse.Namespace, settings: Settings) -> None:
    from recording.verify import verify

    key = _verifying_key(args.public_key, settings)
    if args.files is not None and not args.files.is_dir():
        raise CommandError(f"--files {args.files} is not a folder")
    if not args.target.isdigit():
        manifest = Path(args.target)
        if not manifest.is_file():
            raise CommandError(f"no manifest file {manifest} (or give a hearing id)")
        sys.exit(_print_report(str(manifest), verify(manifest, args.files, key)))
    _verify_hearing(args, settings, int(args.target), key)


def _verify_hearing(
    args: argparse.Namespace, settings: Settings, hearing_id: int, key: Ed25519PublicKey | None
) -> None:
    """Check each sealed recording of a hearing, as its database rows describe them."""
    from sqlalchemy import select

    from hearing_server.db.models import Recording
    from hearing_server.records.archive import (
        ArchiveCheck,
        recording_storage,
        transcript_check,
        verify_stored,
    )
    from recording.storage import FolderView

    if hearing_id > 2**31 - 1:
        raise CommandError(f"there is no hearing {hearing_id}")
    recordings: list[Recording] = []

    async def load(database: Database) -> None:
        await database.check_migrated()
        async with database.session() as db:
            recordings.extend(
                await db.scalars(
                    select(Recording)
                    .where(Recording.hearing_id == hearing_id, Recording.manifest_path.is_not(None))
                    .order_by(Recording.id)
                )
            )

    _with_database(settings, load)
    if not recordings:
        raise CommandError(f"hearing {hearing_id} has no sealed recording")
    worst = 0
    for recording in recordings:
        assert recording.manifest_path is not None
        archive = (
            ArchiveCheck(recording.archive_path, recording.archive_sha256)
            if recording.archive_path is not None and recording.archive_sha256 is not None
            else None
        )
        storage: Storage = (
            FolderView(args.files, f"{PurePosixPath(recording.manifest_path).parent}/")
            if args.files is not None
            else recording_storage(settings)
        )
        report = verify_stored(
            storage, recording.manifest_path, key, archive, transcript_check(recording)
        )
        worst = max(worst, _print_report(f"recording {recording.id}", report))
    sys.exit(worst)


def _verifying_key(path: Path | None, settings: Settings) -> Ed25519PublicKey | None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from hearing_server.records.archive import SigningKeyError, server_public_key

    if path is None:
        try:
            return server_public_key(settings.signing_key_path)
        except SigningKeyError as exc:
            raise CommandError(str(exc)) from exc
    try:
        loaded = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot read public key {path}: {exc}") from exc
    if not isinstance(loaded, Ed25519PublicKey):
        raise CommandError(f"{path} is not an Ed25519 public key")
    return loaded


def _print_report(what: str, report: Report) -> int:
    """Print what ``report`` found; the exit status it calls for (1 if anything changed)."""
    print(f"{what}: verification code {report.verification_code or '-'}, {report.entries} entries")
    if report.checked:
        print(f"  files checked in {report.checked}")
    if report.interrupted:
        print(f"  interrupted record: {report.interrupted}")
    if report.archive == "pending":
        print("  the archive video is not rendered yet: its hash is appended once it is")
    for problem in report.problems:
        print(f"  CHANGED {problem.kind}: {problem}")
    if report.ok:
        trust = "the server's key" if report.key_trusted else "only the key written in it"
        print(f"  OK: {report.files} files intact{report.among}, signature valid ({trust})")
    return 0 if report.ok else 1
