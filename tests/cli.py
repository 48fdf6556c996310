"""The `buletin` command in a real process, against the run's database."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from service.settings import Settings

BULETIN = str(Path(sys.executable).with_name("buletin"))


async def buletin(
    settings: Settings,
    *argv: str,
    password: str | None = None,
    stdin: bytes | None = None,
    **extra_env: str,
) -> tuple[int, str, str]:
    """`buletin *argv` with `password` as BULETIN_PASSWORD (none set without it) and
    `stdin` on its standard input (as an MTA's pipe gives a mail): the exit code, stdout
    and stderr."""
    # The settings fixture put the rest of this run's settings into the environment.
    env = {**os.environ, "DATABASE_URL": settings.database_url, **extra_env}
    env.pop("BULETIN_PASSWORD", None)
    if password is not None:
        env["BULETIN_PASSWORD"] = password
    process = await asyncio.create_subprocess_exec(
        BULETIN,
        *argv,
        env=env,
        stdin=asyncio.subprocess.DEVNULL if stdin is None else asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        # No controlling terminal: getpass would otherwise prompt on /dev/tty and wait.
        start_new_session=True,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()
