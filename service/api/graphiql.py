"""GraphiQL from our own files: Strawberry's page loads seven files from a public CDN,
so offline (or behind a strict firewall) it showed only "Loading…".

The page is Strawberry's template with the CDN addresses pointing at
service/static/graphiql/, where the same files are vendored unmodified (their
Subresource Integrity hashes still match) with their licences.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent.parent / "static" / "graphiql"
ASSETS_URL = "/static/graphiql"


@cache
def graphiql_html() -> str:
    return (ASSETS_DIR / "index.html").read_text(encoding="utf-8")
