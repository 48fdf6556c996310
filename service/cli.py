"""The `buletin` command: `buletin --help` lists what it does."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import re
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from pydantic import ValidationError

from service.settings import Settings, get_settings
from service.staff.enums import StaffRole

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from service.audience.suppression import InvalidLine
    from service.errors import DomainError
    from service.staff.actors import Actor

log = logging.getLogger("buletin.cli")
# After SIGTERM, requests still running get this long before the server stops anyway.
GRACEFUL_SHUTDOWN_SECONDS = 5
# sysexits' EX_TEMPFAIL: an MTA keeps a piped mail and tries again later; any other
# failure code bounces it to its sender.
EX_TEMPFAIL = 75


def warn_if_not_https(settings: Settings) -> None:
    """Mail providers (Gmail, Yahoo) ignore one-click unsubscribe links that are not https
    (RFC 8058); a production PUBLIC_BASE_URL of http is a mistake worth one loud line. Not
    refused: the docker-compose demo runs on http://localhost."""
    if not settings.debug and not settings.public_base_url.lower().startswith("https://"):
        log.warning(
            "PUBLIC_BASE_URL is %s, not https: mail providers ignore the one-click "
            "unsubscribe links of digests, and links in mails travel unencrypted",
            settings.public_base_url,
        )


def _serve(
    settings: Settings, host: str, port: int, workers: int = 1, log_level: str = "info"
) -> None:
    import uvicorn

    app: Starlette | str
    if workers > 1:
        # Each worker process builds its own app from the environment.
        app = "service.app:app_from_environment"
    else:
        from service.app import create_app

        app = create_app(settings)
    uvicorn.run(
        app,
        factory=workers > 1,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


async def _migrate(settings: Settings) -> None:
    from service.db import apply_migrations

    await apply_migrations(settings)


async def _seed_demo(settings: Settings) -> None:
    from service.content.demo import seed_demo
    from service.db import orm

    async with orm(settings):
        report = await seed_demo(settings)
    print(
        f"demo content: {report.created} entries created, {report.skipped} already there, "
        f"{report.topics} topics"
    )


def cmd_dev(args: argparse.Namespace) -> None:
    from service.devserver import run

    run(args.host, args.port)


def _folder_settings() -> Settings:
    """The folder's settings. Beside a running `buletin dev` whose address the settings do
    not name, links (feeds, mails) point to that server: `buletin dev --port` keeps its
    address out of .env, and a default of port 8000 would send readers nowhere."""
    from service.devserver import running_dev_url

    settings = get_settings()
    if "public_base_url" in settings.model_fields_set:
        return settings
    url = running_dev_url()
    return settings.model_copy(update={"public_base_url": url}) if url else settings


def cmd_worker(args: argparse.Namespace) -> None:
    from workers.settings import build_worker, check_health

    settings = _folder_settings()
    if args.check:
        # For orchestrators: 0 while some worker of this queue wrote its health key lately.
        sys.exit(asyncio.run(check_health(settings)))
    if not settings.smtp_url:
        # Every job family sends mail; a worker that cannot is a setup mistake, said plainly.
        _fail(args, "buletin worker: SMTP_URL is not set (the worker sends all mail)")
    warn_if_not_https(settings)
    build_worker(settings).run()


def cmd_migrate(args: argparse.Namespace) -> None:
    asyncio.run(_migrate(get_settings()))
    print("migrations applied")


def cmd_seed_demo(args: argparse.Namespace) -> None:
    asyncio.run(_seed_demo(get_settings()))


def cmd_serve(args: argparse.Namespace) -> None:
    settings = get_settings()
    warn_if_not_https(settings)
    _serve(settings, args.host, args.port, args.workers, args.log_level)


def cmd_makemigrations(args: argparse.Namespace) -> None:
    from tortoise.context import TortoiseContext
    from tortoise.migrations.autodetector import MigrationAutodetector

    from service.db import tortoise_config

    async def detect() -> None:
        # Detection reads only the models and the migration files, never a database.
        config = tortoise_config(Settings(debug=True, database_url="sqlite://:memory:"))
        async with TortoiseContext() as ctx:
            await ctx.init(config=config)
            assert ctx.apps is not None
            writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
        if not writers:
            print("no changes: the migrations match the models")
        for writer in writers:
            if args.name:
                number = writer.name.split("_", 1)[0]
                writer.name = f"{number}_{args.name}"
            print(f"created {writer.write()}")

    asyncio.run(detect())


def _read_password(command: str = "createstaff") -> str:
    """BULETIN_PASSWORD, or asked twice without echo; never an argument (ps would show it)."""
    given = os.environ.get("BULETIN_PASSWORD")
    if given is not None:
        return given
    try:
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password (again): ")
    except EOFError:
        sys.exit(f"buletin {command}: no password: set BULETIN_PASSWORD or run it in a terminal")
    if first != second:
        sys.exit(f"buletin {command}: the two passwords differ")
    return first


def _problems(exc: DomainError) -> str:
    return "; ".join(
        f"{error.field}: {error.message}" if error.field else error.message for error in exc.errors
    )


def _as_operator(command: str, settings: Settings, work: Callable[[Actor], Awaitable[str]]) -> None:
    """Run `work` with the ORM open and print what it reports. The operator at the command
    line acts as SYSTEM. A refused action or a database without its tables (no `buletin
    migrate` yet) ends the command with one line, not a traceback."""
    from tortoise.exceptions import OperationalError

    from service.db import orm
    from service.errors import DomainError
    from service.staff.actors import SYSTEM

    async def run() -> str:
        async with orm(settings):
            return await work(SYSTEM)

    try:
        print(asyncio.run(run()))
    except DomainError as exc:
        sys.exit(f"buletin {command}: {_problems(exc)}")
    except OperationalError as exc:
        sys.exit(f"buletin {command}: the database refused ({exc}); has `buletin migrate` run?")


def cmd_createstaff(args: argparse.Namespace) -> None:
    from service.staff.actions import create_staff

    settings = get_settings()
    password = _read_password()

    async def create(actor: Actor) -> str:
        member = await create_staff(
            args.email,
            args.name,
            StaffRole(args.role),
            password,
            locale=args.locale,
            actor=actor,
            settings=settings,
        )
        return f"staff account {member.id} created: {member.email} ({member.role.value})"

    _as_operator("createstaff", settings, create)


def cmd_setpassword(args: argparse.Namespace) -> None:
    from service.staff.actions import set_staff_password, staff_id_for_email

    settings = get_settings()
    password = _read_password("setpassword")

    async def change(actor: Actor) -> str:
        staff_id = await staff_id_for_email(args.email)
        if staff_id is None:
            sys.exit(f"buletin setpassword: no staff account for {args.email}")
        member = await set_staff_password(actor, staff_id, password, settings=settings)
        return f"password of {member.email} changed; their sessions have ended"

    _as_operator("setpassword", settings, change)


# A bounce list can hold thousands of bad lines: a few say which, the count says how many.
SHOWN_INVALID_LINES = 5


def _listing_lines(path: str, command: str) -> list[str]:
    """The file's lines: UTF-8, with or without the byte order mark spreadsheets write."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        sys.exit(f"buletin {command}: cannot read {path}: {exc.strerror}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        sys.exit(
            f"buletin {command}: {path} is not UTF-8 text (line {line}); "
            "save it as UTF-8 and run this again"
        )
    # Only line breaks end a line, so the numbers reported are the ones an editor shows.
    return re.split(r"\r\n|\r|\n", text)


def _invalid_lines(invalid: Sequence[InvalidLine]) -> list[str]:
    from service.audience.errors import quoted

    shown = [
        f"  line {bad.number}: not an address: {quoted(bad.text)}"
        for bad in invalid[:SHOWN_INVALID_LINES]
    ]
    if len(invalid) > SHOWN_INVALID_LINES:
        shown.append(f"  and {len(invalid) - SHOWN_INVALID_LINES} more lines")
    return shown


def _from_listing(
    args: argparse.Namespace,
    command: str,
    work: Callable[[list[str], Actor], Awaitable[tuple[str, Sequence[InvalidLine]]]],
) -> None:
    """Run `work` over the lines of `--file` and print its summary and a few bad lines."""
    lines = _listing_lines(args.file, command)

    async def run(actor: Actor) -> str:
        summary, invalid = await work(lines, actor)
        return "\n".join([summary, *_invalid_lines(invalid)])

    _as_operator(command, get_settings(), run)


def cmd_suppress(args: argparse.Namespace) -> None:
    from service.audience.suppression import import_suppressions

    async def work(lines: list[str], actor: Actor) -> tuple[str, Sequence[InvalidLine]]:
        report = await import_suppressions(lines, reason=args.reason, actor=actor)
        return (
            f"suppressed {report.suppressed}, already suppressed {report.already}, "
            f"not subscribed (kept, so a sign-up is refused) {report.listed}, "
            f"not an address {len(report.invalid)}"
        ), report.invalid

    _from_listing(args, "suppress", work)


def cmd_unsuppress(args: argparse.Namespace) -> None:
    from service.audience.suppression import lift_suppressions

    async def work(lines: list[str], actor: Actor) -> tuple[str, Sequence[InvalidLine]]:
        report = await lift_suppressions(lines, actor=actor)
        return (
            f"lifted {report.lifted} (now unsubscribed: they may sign up again), "
            f"taken off the list {report.unlisted}, not suppressed {report.not_suppressed}, "
            f"not an address {len(report.invalid)}"
        ), report.invalid

    _from_listing(args, "unsuppress", work)


def cmd_refresh_feeds(args: argparse.Namespace) -> None:
    """Every feed rendered again now: feeds are stored, and a changed SITE_NAME,
    PUBLIC_BASE_URL or FRONTEND_URL would otherwise wait for the hourly refresh."""
    from service.feeds.rendering import refresh_all

    settings = _folder_settings()

    async def run(actor: Actor) -> str:
        outcome = await refresh_all(settings)
        return f"feeds re-rendered: {len(outcome.changed)} changed, {outcome.unchanged} unchanged"

    _as_operator("refresh-feeds", settings, run)


def cmd_unsubscribe_mail(args: argparse.Namespace) -> None:
    """One mail on stdin, as an MTA's pipe alias delivers it. A mail that names nobody is
    handled (exit 0: no bounce to whoever sent it); only our own failures exit
    EX_TEMPFAIL, so the MTA keeps the mail and tries again."""
    from service.audience.unsubscribe_mail import unsubscribe_by_mail
    from service.db import orm

    settings = get_settings()
    data = sys.stdin.buffer.read()

    async def run() -> str:
        async with orm(settings):
            outcome = await unsubscribe_by_mail(data, settings=settings)
        return outcome.detail

    try:
        detail = asyncio.run(run())
    except Exception as exc:
        # One line: an MTA quotes a pipe's output in its deferral notice.
        log.error(
            "unsubscribe-mail: failed (%s: %s); the MTA will try again", type(exc).__name__, exc
        )
        sys.exit(EX_TEMPFAIL)
    log.info("unsubscribe-mail: %s", detail)


def cmd_export_schema(args: argparse.Namespace) -> None:
    from service.api.schema import build_schema

    # The SDL does not depend on configuration; debug spares a SECRET_KEY for this.
    print(build_schema(Settings(debug=True)).as_str())


# Commands that work on a project's database or Redis (not `dev`, which makes a project).
NEEDS_PROJECT = {
    "migrate", "seed-demo", "serve", "worker", "createstaff", "setpassword", "unsubscribe-mail",
    "refresh-feeds", "suppress", "unsuppress",
}  # fmt: skip


def project_problem(folder: Path) -> str | None:
    """Why `folder` is not a project, or None. Without DATABASE_URL or a `.env` there, the
    default SQLite path would quietly be a new, empty database instead of the one in use."""
    if "DATABASE_URL" in os.environ or (folder / ".env").is_file():
        return None
    return (
        f"no Buletin project in {folder.resolve()}: run this where `buletin dev` ran (it "
        "writes .env there), or set DATABASE_URL (see .env.example)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="buletin", description="Buletin: bilingual content, newsletters and feeds."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    dev = sub.add_parser("dev", help="quick start: SQLite, demo content, GraphiQL, all in one")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=8000)
    dev.set_defaults(func=cmd_dev)

    sub.add_parser("migrate", help="apply migrations to DATABASE_URL").set_defaults(
        func=cmd_migrate
    )
    sub.add_parser("seed-demo", help="load the demo content (twice changes nothing)").set_defaults(
        func=cmd_seed_demo
    )

    worker = sub.add_parser("worker", help="run an arq worker (jobs and crons)")
    worker.add_argument(
        "--check", action="store_true", help="exit 0 if a worker is alive, 1 if not"
    )
    worker.set_defaults(func=cmd_worker)

    serve = sub.add_parser("serve", help="serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="server processes")
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn's; below info there is no access log (a proxy in front usually keeps one)",
    )
    serve.set_defaults(func=cmd_serve)

    makemigrations = sub.add_parser(
        "makemigrations", help="write a migration for model changes (developers)"
    )
    makemigrations.add_argument("--name", help="a name for the migration file")
    makemigrations.set_defaults(func=cmd_makemigrations)

    createstaff = sub.add_parser(
        "createstaff",
        help="create a staff account (password from BULETIN_PASSWORD or a prompt)",
    )
    createstaff.add_argument("--email", required=True)
    createstaff.add_argument("--name", required=True)
    createstaff.add_argument("--role", required=True, choices=[r.value for r in StaffRole])
    createstaff.add_argument(
        "--locale", help="the language of their emails (default: DEFAULT_LOCALE)"
    )
    createstaff.set_defaults(func=cmd_createstaff)

    setpassword = sub.add_parser(
        "setpassword",
        help="set a staff member's password and end their sessions "
        "(password from BULETIN_PASSWORD or a prompt)",
    )
    setpassword.add_argument("--email", required=True)
    setpassword.set_defaults(func=cmd_setpassword)
    suppress = sub.add_parser(
        "suppress", help="never send digests to the addresses in a file (one a line)"
    )
    suppress.add_argument("--file", required=True, help="addresses, one a line; # comments")
    suppress.add_argument("--reason", default="imported", help="kept with each subscriber")
    suppress.set_defaults(func=cmd_suppress)
    unsuppress = sub.add_parser(
        "unsuppress",
        help="take the addresses in a file off the suppression list (they may sign up again)",
    )
    unsuppress.add_argument("--file", required=True, help="addresses, one a line; # comments")
    unsuppress.set_defaults(func=cmd_unsuppress)

    sub.add_parser(
        "refresh-feeds", help="render every feed again (after changing SITE_NAME or the URLs)"
    ).set_defaults(func=cmd_refresh_feeds)
    sub.add_parser(
        "unsubscribe-mail",
        help="unsubscribe whoever the mail on stdin names (an MTA pipe for the "
        "List-Unsubscribe mailto)",
    ).set_defaults(func=cmd_unsubscribe_mail, failure_code=EX_TEMPFAIL)

    sub.add_parser("export-schema", help="print the GraphQL SDL").set_defaults(
        func=cmd_export_schema
    )
    return parser


def _fail(args: argparse.Namespace, message: str) -> NoReturn:
    # An MTA pipe (unsubscribe-mail) must keep the mail while the setup is wrong.
    print(message, file=sys.stderr)
    sys.exit(getattr(args, "failure_code", 1))


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    if args.command in NEEDS_PROJECT and (problem := project_problem(Path.cwd())):
        _fail(args, f"buletin {args.command}: {problem}")
    try:
        args.func(args)
    except ValidationError as exc:
        # Configuration mistakes deserve a sentence, not a traceback.
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        _fail(args, f"buletin: bad configuration: {problems}")
    except KeyboardInterrupt:
        sys.exit(130)
