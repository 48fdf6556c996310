"""The app's email renderer, built on first use (the API renders digest previews)."""

from __future__ import annotations

from service.api.context import Info
from service.mail.render import Renderer


def renderer_of(info: Info) -> Renderer:
    state = info.context.request.app.state
    renderer: Renderer | None = getattr(state, "digest_renderer", None)
    if renderer is None:
        renderer = state.digest_renderer = Renderer.from_settings(info.context.settings)
    return renderer
