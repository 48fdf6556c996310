"""The docs a clone has: nothing points outside the repository, and every
"docs/architecture.md §N" in the code names a section that exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

SECTION_REFERENCE = re.compile(r"docs/architecture\.md §(\d+)")


def tracked_text_files(repo_root: Path) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=repo_root, capture_output=True, text=True, check=True
    ).stdout.split()
    skipped = ("service/static/", "uv.lock")
    return [
        repo_root / name
        for name in listed
        if not name.startswith(skipped) and (repo_root / name).is_file()
    ]


def test_nothing_points_outside_the_repository(repo_root: Path) -> None:
    outside = ("../" + "shared", "DESIGN" + " §", "DESIGN" + ".md")  # not found in this file
    offenders = [
        str(path.relative_to(repo_root))
        for path in tracked_text_files(repo_root)
        if any(needle in path.read_text(encoding="utf-8", errors="replace") for needle in outside)
    ]
    assert offenders == []


def test_every_section_reference_names_a_section(repo_root: Path) -> None:
    architecture = (repo_root / "docs" / "architecture.md").read_text(encoding="utf-8")
    sections = {int(n) for n in re.findall(r"^## (\d+)\. ", architecture, flags=re.MULTILINE)}
    referenced: dict[int, list[str]] = {}
    for path in tracked_text_files(repo_root):
        text = path.read_text(encoding="utf-8", errors="replace")
        for number in SECTION_REFERENCE.findall(text):
            referenced.setdefault(int(number), []).append(str(path.relative_to(repo_root)))
    assert referenced, "no code points at docs/architecture.md"
    missing = {n: where for n, where in referenced.items() if n not in sections}
    assert missing == {}
