"""API tests that follow a mutation through to the mail: the worker tests' worker settings."""

from __future__ import annotations

from tests.workers.conftest import worker_settings

__all__ = ["worker_settings"]
