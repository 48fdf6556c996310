"""GET /digests/{id}/{variant}: the web version of a digest ("view in browser")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from service.audience.digest_render import web_version
from service.mail.render import Renderer


def app_renderer(request: Request) -> Renderer:
    """The app's email renderer, built on first use: this page and the API's digest
    previews share it, and an app that never renders a digest never reads the templates."""
    renderer: Renderer | None = getattr(request.app.state, "digest_renderer", None)
    if renderer is None:
        renderer = request.app.state.digest_renderer = Renderer.from_settings(
            request.app.state.settings
        )
    return renderer


async def digest_page(request: Request) -> Response:
    html = await web_version(
        int(request.path_params["digest_id"]),
        str(request.path_params["variant"]),
        renderer=app_renderer(request),
        settings=request.app.state.settings,
    )
    if html is None:
        return HTMLResponse("<h1>Not found</h1>", status_code=404)
    # A sent digest is the same for every reader; its entries may still be edited.
    return HTMLResponse(html, headers={"Cache-Control": "public, max-age=300"})
