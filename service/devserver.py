"""`buletin dev`: the whole service in one process, with nothing to install or run first.

SQLite under var/, migrations, demo content and a demo admin, an embedded Redis, a mail
sink shown at /dev/mail, the API with GraphiQL, and a worker, all on one event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import secrets
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

import uvicorn

from service.settings import Settings
from service.staff.enums import StaffRole
from service.web.devmail import MailSink

if TYPE_CHECKING:
    from arq.worker import Worker

log = logging.getLogger("buletin.dev")

DEMO_ADMIN_EMAIL = "admin@example.org"
# Printed at every start: only for the local quick start, which is never exposed.
DEMO_ADMIN_PASSWORD = "buletin-demo-admin"
DEMO_COLLEAGUE_EMAIL = "colleague@example.org"
# Ctrl-C lets a job in hand (a feed render, a few mails) finish for this long.
JOB_GRACE_SECONDS = 5.0
LOCALHOST_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]+)?"


async def prepare(settings: Settings) -> bool:
    """Migrate, load the demo (content and subscribers), and make the demo admin when
    there is no staff yet."""
    from service.audience.demo import seed_demo_subscribers
    from service.content.demo import seed_demo
    from service.db import apply_migrations, orm
    from service.staff.actions import create_staff
    from service.staff.actors import SYSTEM
    from service.staff.models import StaffUser

    await apply_migrations(settings)
    async with orm(settings):
        report = await seed_demo(settings)
        log.info("dev.demo_loaded created=%s skipped=%s", report.created, report.skipped)
        subscribers = await seed_demo_subscribers(settings)
        log.info("dev.demo_subscribers_added count=%s", subscribers)
        if await StaffUser.exists():
            return False
        await create_staff(
            DEMO_ADMIN_EMAIL,
            "Demo Admin",
            StaffRole.ADMIN,
            DEMO_ADMIN_PASSWORD,
            actor=SYSTEM,
            settings=settings,
        )
        # Notices never go to the one who published: a colleague receives them, so
        # publishing as the demo admin still shows a notice at /dev/mail.
        await create_staff(
            DEMO_COLLEAGUE_EMAIL,
            "Demo Colleague",
            StaffRole.AUTHOR,
            secrets.token_urlsafe(24),
            actor=SYSTEM,
            settings=settings,
        )
        return True


class DevServer(uvicorn.Server):
    """uvicorn without its own signal handling: `serve` below stops things in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(settings: Settings, sink: MailSink, host: str, port: int) -> None:
    """The API and a worker until SIGINT or SIGTERM; then the worker, the API, and (in the
    app's shutdown) the embedded Redis stop in that order, so nothing loses its Redis
    mid-command. A second Ctrl-C stops the API without waiting for open requests."""
    from service.app import create_app
    from workers.settings import build_worker

    app = create_app(settings, mail_sink=sink)
    server = DevServer(uvicorn.Config(app, host=host, port=port, log_level="info"))
    stop = asyncio.Event()

    def on_signal() -> None:
        if stop.is_set():
            server.force_exit = True
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal)
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn has no event
        await asyncio.sleep(0.05)
    # Started after the app, so the worker shares its ORM and its embedded Redis.
    worker = build_worker(settings, handle_signals=False)
    working = asyncio.create_task(worker.async_run())
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        log.info("dev.stopping step=worker")
        working.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await working
        # A step that fails is said in one line; the next steps still run, in order.
        try:
            await stop_worker(worker)
        except Exception as exc:
            log.warning("dev.stop_failed step=worker error=%r", exc)
        log.info("dev.stopping step=api")
        server.should_exit = True
        stopping.cancel()
        try:
            await serving
        except Exception as exc:
            log.warning("dev.stop_failed step=api error=%r", exc)
        log.info("dev.stopped")


async def stop_worker(worker: Worker, *, grace_seconds: float = JOB_GRACE_SECONDS) -> None:
    """Close a worker whose main loop has stopped: the jobs in hand get `grace_seconds` to
    finish, then are cancelled.

    arq's close() gathers its job tasks, so a job cancelled or failed at Ctrl-C would raise
    out of it (a traceback, and no on_shutdown). They are all over before it runs here, and
    forgotten as arq's own poll loop forgets finished jobs.
    """
    running = [task for task in worker.tasks.values() if not task.done()]
    if running:
        _, late = await asyncio.wait(running, timeout=grace_seconds)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    for job_id, task in list(worker.tasks.items()):
        if task.done():
            del worker.tasks[job_id]
    await worker.close()


ENV_FILE = Path(".env")
LOCK_FILE = Path("var") / "dev.lock"


def write_env_file(path: Path) -> bool:
    """The quick start's settings, so every `buletin` command in this folder uses the same
    database and secret. An existing file is the developer's: left as it is."""
    if path.exists():
        return False
    path.write_text(
        "# Written by `buletin dev`: every buletin command run in this folder reads it.\n"
        "# Local development only; see .env.example for a deployment's settings.\n"
        "DEBUG=1\n"
        f"SECRET_KEY={secrets.token_urlsafe(32)}\n"
        "DATABASE_URL=sqlite://var/buletin.sqlite3\n"
    )
    return True


def claim_folder(path: Path, url: str) -> IO[str]:
    """Hold `path` locked while this dev server runs; exit with a sentence when another
    `buletin dev` holds it (two would share one SQLite file, one Redis and one port)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        other = handle.read().strip() or "another process"
        handle.close()
        sys.exit(
            f"buletin dev: already running in {Path.cwd()} ({other}). Use that one, stop it "
            "first, or run `buletin dev` in another folder."
        )
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}, {url}\n")
    handle.flush()
    return handle  # the lock lasts as long as the open file: keep it until exit


def running_dev_url(path: Path = LOCK_FILE) -> str | None:
    """The address of the `buletin dev` running in this folder, or None when none runs."""
    try:
        handle = path.open()
    except OSError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # held: a dev server runs here and wrote where
            _, _, url = handle.read().strip().partition(", ")
            return url.rstrip("/") or None
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


class _DevDefaults(Settings):
    # Debug on (GraphiQL, introspection, no SECRET_KEY needed) unless the folder says otherwise.
    debug: bool = True
    # Frontends in development run on another localhost port (3000, 5173, …).
    cors_origin_regex: str | None = LOCALHOST_ORIGINS


def dev_settings(*, smtp_url: str, base_url: str) -> Settings:
    """The folder's settings (environment, .env) with the quick start's defaults wherever
    they say nothing; passed to every part, so nothing has to edit os.environ."""
    given = _DevDefaults()
    quick_start = {
        "smtp_url": smtp_url,
        # Links in mails (confirmation, unsubscribe) must reach this server, whatever its port.
        "public_base_url": base_url,
    }
    return given.model_copy(
        update={k: v for k, v in quick_start.items() if k not in given.model_fields_set}
    )


def run(host: str, port: int) -> None:
    # aiosmtpd logs every SMTP command at INFO: the sink's chatter would drown the server's.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    lock = claim_folder(LOCK_FILE, f"http://{host}:{port}/")
    if write_env_file(ENV_FILE):
        log.info("dev.env_written path=%s", ENV_FILE.resolve())
    sink = MailSink()
    sink.start()
    settings = dev_settings(smtp_url=sink.url, base_url=f"http://{host}:{port}")
    try:
        created = asyncio.run(prepare(settings))
        print(f"\n  Buletin is running: http://{host}:{port}/ (GraphiQL at /graphql)")
        print(f"  Mail the workers send:  http://{host}:{port}/dev/mail")
        if created:
            print(f"  Staff sign-in: {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD} (just created)")
        else:
            print(f"  Staff sign-in: {DEMO_ADMIN_EMAIL} (made with {DEMO_ADMIN_PASSWORD})")
        print(f"  New password: buletin setpassword --email {DEMO_ADMIN_EMAIL}\n")
        asyncio.run(serve(settings, sink, host, port))
    finally:
        sink.stop()
        lock.close()
