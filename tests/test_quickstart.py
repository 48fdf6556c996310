"""The README's first command, for real: `buletin dev` in an empty folder serves demo
content; the README's other commands work beside it in the same folder without taking
its Redis away; a notice for an event published through GraphQL shows at /dev/mail; and
GraphiQL works in a browser that can reach no other host."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.devserver import DEMO_ADMIN_EMAIL
from tests.conftest import Figure
from tests.smtp import free_port
from tests.waiting import wait_serving, wait_until

# What the quick start must not inherit from a CI or developer shell.
CONFIGURATION = (
    "DATABASE_URL",
    "REDIS_URL",
    "SMTP_URL",
    "QUEUE_NAME",
    "DEBUG",
    "SECRET_KEY",
    "LOGIN_THROTTLE_PREFIX",
    "PUBLIC_BASE_URL",
    "SUBSCRIBE_THROTTLE_PREFIX",
    "PASSWORD_TIME_COST",
    "PASSWORD_MEMORY_KIB",
    "FRONTEND_URL",
    "BULETIN_PASSWORD",
)
EDITOR_PASSWORD = "an editor's long password"


@dataclass
class DevServer:
    base: str
    folder: Path
    env: dict[str, str]
    process: asyncio.subprocess.Process

    @property
    def log(self) -> str:
        return (self.folder / "dev.log").read_text()

    async def buletin(self, *args: str, **extra_env: str) -> tuple[int, str]:
        """A `buletin` command in the dev server's folder, as a user types it there."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            f"from service.cli import main; main({list(args)!r})",
            cwd=self.folder,
            env={**self.env, **extra_env},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        out, _ = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode is not None
        return process.returncode, out.decode()


@pytest.fixture(scope="module")
async def dev(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevServer]:
    folder = tmp_path_factory.mktemp("quickstart")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        f"from service.cli import main; main(['dev', '--port', '{port}'])",
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(folder / "dev.log").open("wb"),
    )
    server = DevServer(f"http://127.0.0.1:{port}", folder, env, process)
    try:
        async with httpx.AsyncClient(base_url=server.base) as http:
            # The issue allows 60 s from install to serving.
            await wait_serving(
                http, "/healthz", process, log=lambda: server.log[-3000:], seconds=60
            )
        yield server
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 20)


async def test_commands_beside_dev_keep_it_working_and_a_notice_arrives(
    dev: DevServer, figure: Figure
) -> None:
    env_file = (dev.folder / ".env").read_text()
    assert "DEBUG=1" in env_file
    assert "SECRET_KEY=" in env_file
    assert "DATABASE_URL=sqlite://var/buletin.sqlite3" in env_file

    # The README's commands, in the same folder, while dev runs.
    code, out = await dev.buletin("worker", "--check")
    assert code == 0, out
    code, out = await dev.buletin(
        "createstaff",
        "--email",
        "editor@example.org",
        "--name",
        "Era Editor",
        "--role",
        "editor",
        BULETIN_PASSWORD=EDITOR_PASSWORD,
    )
    assert code == 0, out
    code, out = await dev.buletin("dev", "--port", str(free_port()))
    assert code == 1
    assert "buletin dev: already running in" in out
    # Its port is not in .env: feeds rendered beside it must still link to it.
    code, out = await dev.buletin("refresh-feeds")
    assert code == 0, out

    async with httpx.AsyncClient(base_url=dev.base, timeout=10) as http:
        assert (await http.get("/readyz")).json()["checks"]["redis"] == "ok"

        async def gql(
            query: str, variables: dict[str, Any], token: str | None = None
        ) -> dict[str, Any]:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            body: dict[str, Any] = response.json()
            assert "errors" not in body, body
            data: dict[str, Any] = body["data"]
            return data

        feed = (await http.get("/feeds/en/all.rss")).text
        assert f'<atom:link href="{dev.base}/feeds/en/all.rss" rel="self"' in feed

        demo = await gql('{ entries(locale: "en", first: 100) { totalCount } }', {})
        assert demo["entries"]["totalCount"] >= 12
        home = (await http.get("/")).text
        assert 'href="/graphql"' in home
        assert 'href="/dev/mail"' in home

        # Signing in needs Redis (the login throttle): it is still the dev server's.
        login = await gql(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
            {"e": "editor@example.org", "p": EDITOR_PASSWORD},
        )
        token = login["login"]["token"]
        subscribers = await gql("{ subscribers(first: 10) { counts { active } } }", {}, token)
        assert subscribers["subscribers"]["counts"]["active"] == 3  # one per language choice
        signed_up = await http.post(
            "/subscription", data={"email": "visitor@example.org", "locales": "en"}
        )
        assert signed_up.status_code == 200
        created = await gql(
            "mutation($i: CreateEntryInput!) { createEntry(input: $i) { entry { id } } }",
            {
                "i": {
                    "kind": "EVENT",
                    "startsAt": "2031-03-02T10:00:00+01:00",
                    "translations": [
                        {"locale": "sq", "title": "Dita e hapur e bashkisë"},
                        {"locale": "en", "title": "Municipal open day"},
                    ],
                }
            },
            token,
        )
        entry_id = created["createEntry"]["entry"]["id"]
        await gql(
            "mutation($id: ID!) { publishEntry(id: $id) { entry { status } } }",
            {"id": entry_id},
            token,
        )
        published = time.monotonic()
        while time.monotonic() - published < 5:
            page = (await http.get("/dev/mail")).text
            if "Dita e hapur e bashkisë" in page and DEMO_ADMIN_EMAIL in page:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("no notice to the demo admin at /dev/mail within 5 s")
        figure(f"notice at /dev/mail {time.monotonic() - published:.2f} s after publishing")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
async def test_graphiql_runs_a_query_with_every_other_host_blocked(dev: DevServer) -> None:
    from playwright.async_api import Route, async_playwright

    chromium = shutil.which("chromium")
    local = (dev.base, "data:", "about:")
    blocked: list[str] = []

    async def only_local(route: Route) -> None:
        if route.request.url.startswith(local):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = await browser.new_page()
            await page.route("**/*", only_local)
            await page.goto(f"{dev.base}/graphql?q=%7B%20locales%20%7D")
            run = page.locator(".graphiql-execute-button")
            await run.wait_for(timeout=30_000)
            await run.click()
            result = page.locator(".graphiql-response")
            await result.get_by_text('"locales"').wait_for(timeout=30_000)
            assert '"sq"' in await result.inner_text()
        finally:
            await browser.close()
    assert blocked == []


async def test_a_sign_up_in_the_quick_start_gets_a_confirmation_whose_link_works(
    dev: DevServer,
) -> None:
    async with httpx.AsyncClient(base_url=dev.base, timeout=10) as http:
        login = await http.post(
            "/graphql",
            json={
                "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p)"
                " { token } }",
                # The editor the first test made with `buletin createstaff`.
                "variables": {"e": "editor@example.org", "p": EDITOR_PASSWORD},
            },
        )
        token = login.json()["data"]["login"]["token"]
        counted = await http.post(
            "/graphql",
            json={"query": "{ subscribers(first: 10) { counts { active } } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert counted.json()["data"]["subscribers"]["counts"]["active"] == 3  # one per choice
        signed_up = await http.post(
            "/subscription", data={"email": "visitor@example.org", "locales": "en"}
        )
        assert signed_up.status_code == 200

        async def confirmation() -> str | None:
            listing = (await http.get("/dev/mail")).text
            found = re.search(r'href="/dev/mail/(\d+)">Confirm your subscription', listing)
            return found.group(1) if found else None

        async def arrived() -> bool:
            return await confirmation() is not None

        await wait_until(arrived, 10, what="a confirmation mail at /dev/mail")
        number = await confirmation()
        # Its link points at this server (whatever the port) and confirms the sign-up.
        raw = (await http.get(f"/dev/mail/{number}/raw")).content
        mail = message_from_bytes(raw, policy=default_policy)
        assert isinstance(mail, EmailMessage)
        text = mail.get_body(preferencelist=("plain",))
        assert text is not None
        [url] = re.findall(r"http://\S+/subscription/confirm\?token=\S+", text.get_content())
        assert url.startswith(dev.base)
        confirmed = await http.get(url)
        assert "Subscription confirmed" in confirmed.text


async def test_ctrl_c_stops_worker_api_and_redis_without_a_traceback(dev: DevServer) -> None:
    # Last in this module: it stops the shared dev server.
    dev.process.send_signal(signal.SIGINT)
    code = await asyncio.wait_for(dev.process.wait(), 20)
    log = dev.log
    assert code == 0, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    steps = [log.index(event) for event in ("step=worker", "step=api", "dev.stopped")]
    assert steps == sorted(steps)
    assert not (dev.folder / "var" / "redis.url").exists()


async def test_a_command_outside_a_project_refuses_instead_of_making_a_database(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from service.cli import main; main(['createstaff', '--email', 'a@example.org',"
        " '--name', 'A', '--role', 'admin'])",
        cwd=tmp_path,
        env={**env, "BULETIN_PASSWORD": EDITOR_PASSWORD},
        stdin=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1
    assert "no Buletin project in" in err.decode()
    assert os.listdir(tmp_path) == []
