"""The docker-compose deployment as the README tells it: `cp .env.example .env`, set the
secret, `docker compose up --build`. No Docker engine runs here, so these read the files
the engine would read and check what it would trip over."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import Settings


def _dockerignore(repo_root: Path) -> list[str]:
    lines = (repo_root / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _copied_paths(repo_root: Path) -> list[str]:
    paths = []
    for line in (repo_root / "Dockerfile").read_text().splitlines():
        words = line.split()
        if words and words[0] == "COPY" and not any(w.startswith("--from") for w in words):
            paths += words[1:-1]  # sources; the last word is the destination
    return paths


def _example_env(repo_root: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in (repo_root / ".env.example").read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    )
    return {name.strip(): value for name, value in pairs}


def test_everything_the_dockerfile_copies_is_in_the_build_context(repo_root: Path) -> None:
    ignored = _dockerignore(repo_root)
    copied = _copied_paths(repo_root)
    assert "service" in copied
    for path in copied:
        assert (repo_root / path).exists(), path
        left_out = [p for p in ignored if fnmatch.fnmatch(path, p) or path.startswith(p + "/")]
        assert not left_out, f"Dockerfile copies {path}, .dockerignore leaves it out: {left_out}"


def test_every_setting_of_the_example_env_reaches_the_containers(repo_root: Path) -> None:
    compose = (repo_root / "docker-compose.yml").read_text()
    passed = set(re.findall(r"^\s+([A-Z_]+): ", compose, flags=re.MULTILINE))
    missing = set(_example_env(repo_root)) - passed
    assert not missing, f"set in .env.example but never passed by docker-compose.yml: {missing}"


def test_the_example_secret_key_is_refused_outside_dev(repo_root: Path) -> None:
    example_key = _example_env(repo_root)["SECRET_KEY"]
    with pytest.raises(ValidationError, match="SECRET_KEY is the published example"):
        Settings(debug=False, secret_key=example_key)
    assert Settings(debug=True, secret_key=example_key).debug  # the quick start may use it
    assert Settings(debug=False, secret_key="a-key-of-this-deployment-only-4f9c1b").secret
