"""`buletin dev`: the whole service in one process, with nothing to install or run first.

SQLite under var/, migrations, demo content and a demo admin, an embedded Redis, a mail
sink shown at /dev/mail, the API with GraphiQL, and a worker, all on one event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

from service.settings import Settings, get_settings
from service.staff.enums import StaffRole
from service.web.devmail import MailSink

log = logging.getLogger("buletin.dev")

DEMO_ADMIN_EMAIL = "admin@example.org"
# Printed at every start: only for the local quick start, which is never exposed.
DEMO_ADMIN_PASSWORD = "buletin-demo-admin"


async def prepare(settings: Settings) -> bool:
    """Migrate, load the demo (content and subscribers), and make the demo admin when
    there is no staff yet."""
    from service.audience.demo import seed_demo_subscribers
    from service.content.demo import seed_demo
    from service.db import apply_migrations, orm
    from service.staff.actions import create_staff
    from service.staff.models import StaffUser

    await apply_migrations(settings)
    async with orm(settings):
        report = await seed_demo()
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
            settings=settings,
        )
        return True


async def serve(settings: Settings, sink: MailSink, host: str, port: int) -> None:
    import uvicorn

    from service.app import create_app
    from workers.settings import build_worker

    app = create_app(settings, mail_sink=sink)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info"))
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn has no event
        await asyncio.sleep(0.05)
    # Started after the app, so the worker shares its ORM and its embedded Redis.
    worker = build_worker(settings, handle_signals=False)
    working = asyncio.create_task(worker.async_run())
    try:
        await serving
    finally:
        working.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await working
        await worker.close()


def run(host: str, port: int) -> None:
    # aiosmtpd logs every SMTP command at INFO: the sink's chatter would drown the server's.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    # Debug on (GraphiQL, introspection, no SECRET_KEY needed) unless the caller says otherwise.
    os.environ.setdefault("DEBUG", "1")
    sink = MailSink()
    sink.start()
    os.environ.setdefault("SMTP_URL", sink.url)
    # Links in mails (confirmation, unsubscribe) must reach this server, whatever its port.
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://{host}:{port}")
    get_settings.cache_clear()
    settings = get_settings()
    try:
        created = asyncio.run(prepare(settings))
        print(f"\n  Buletin is running: GraphiQL at http://{host}:{port}/graphql")
        print(f"  Mail the workers send:  http://{host}:{port}/dev/mail")
        print(
            f"  Staff sign-in: {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}"
            + (" (just created)" if created else "")
            + "\n"
        )
        asyncio.run(serve(settings, sink, host, port))
    finally:
        sink.stop()
