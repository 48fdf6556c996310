"""`/` in dev mode: where to go next (GraphiQL, the caught mail). 404 outside debug."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from service.web.pages import templates


async def dev_home(request: Request) -> Response:
    if not request.app.state.settings.debug:
        raise HTTPException(404)
    has_mail = getattr(request.app.state, "mail_sink", None) is not None
    return templates.TemplateResponse(request, "dev_home.html", {"has_mail": has_mail})
