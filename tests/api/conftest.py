"""API tests that follow a mutation through to the mail: the worker tests' SMTP fixtures."""

from __future__ import annotations

from tests.workers.conftest import smtp_server, worker_settings

__all__ = ["smtp_server", "worker_settings"]
