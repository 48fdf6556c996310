"""The /graphql endpoint: Strawberry's ASGI view plus size limits, coded errors and the cache."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.asgi import GraphQL

from service.api.cache import ResultCache, content_version, etag_for, request_key
from service.api.context import Context
from service.api.errors import ErrorCode, format_error
from service.staff.actions import staff_for_token

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send
    from strawberry.http import GraphQLHTTPResponse
    from strawberry.schema import BaseSchema
    from strawberry.types import ExecutionResult

    from service.settings import Settings

log = logging.getLogger("buletin.api")


def bearer_token(header: str) -> str | None:
    """The token of `Authorization: Bearer <token>`; None for any other scheme."""
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def error_response(status: int, code: ErrorCode, message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code.value}}]},
        status_code=status,
    )


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, schema: BaseSchema, settings: Settings, cache: ResultCache) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.debug else None,
            allow_queries_via_get=True,
        )
        self.settings = settings
        self.cache = cache

    def parse_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        # orjson: a twentieth of json.dumps' time on a page of entries (bench/graphql_read.py).
        return orjson.dumps(data)

    async def get_context(self, request: Request | Any, response: Response | Any) -> Context:
        context = Context(request=request, response=response, settings=self.settings)
        header = request.headers.get("authorization")
        if header is not None:
            # Only requests that bring credentials pay for the lookup (and skip the cache).
            token = bearer_token(header)
            context.token = token
            context.staff = await staff_for_token(token) if token else None
            context.auth_error = context.staff is None
        request.state.graphql_context = context
        return context

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        request.state.graphql_failed = bool(result.errors)
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            data["errors"] = [format_error(e, debug=self.settings.debug) for e in result.errors]
        if result.extensions:
            data["extensions"] = result.extensions
        return data

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        refusal = await self._read_within_limits(request)
        if refusal is not None:
            return refusal
        anonymous = "authorization" not in request.headers
        key: str | None = None
        if anonymous and self.cache.enabled and not self._wants_ide(request):
            params = await self._request_params(request)
            if params is not None:
                key = request_key(*params, version=await content_version())
                if request.method == "GET" and request.headers.get("if-none-match") == etag_for(
                    key
                ):
                    return Response(status_code=304, headers=self._public_headers(etag_for(key)))
                hit = self.cache.get(key)
                if hit is not None:
                    return self._answer(request, hit.body, hit.etag, anonymous=True)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            return error_response(exc.status_code, ErrorCode.BAD_REQUEST, exc.reason)
        if response.media_type != "application/json" or response.status_code != 200:
            return response  # the GraphiQL page
        context: Context | None = getattr(request.state, "graphql_context", None)
        cacheable = (
            context is not None
            and context.ran_query
            and not context.private
            and not getattr(request.state, "graphql_failed", True)
        )
        public = anonymous and cacheable
        if key is not None and cacheable:
            etag: str | None = self.cache.put(key, bytes(response.body)).etag
        elif request.method == "GET" and public:
            etag = etag_for(hashlib.blake2b(bytes(response.body), digest_size=16).hexdigest())
        else:
            etag = None
        if request.method == "GET" and public and etag is not None:
            headers = self._public_headers(etag)
            if request.headers.get("if-none-match") == etag:
                return Response(status_code=304, headers=headers)
            response.headers.update(headers)
        elif not public:
            response.headers["Cache-Control"] = "private, no-store"
        return response

    def _answer(self, request: Request, body: bytes, etag: str, *, anonymous: bool) -> Response:
        headers: dict[str, str] = {}
        if request.method == "GET" and anonymous:
            headers = self._public_headers(etag)
        elif not anonymous:
            headers = {"Cache-Control": "private, no-store"}
        return Response(body, media_type="application/json", headers=headers)

    def _public_headers(self, etag: str) -> dict[str, str]:
        return {"ETag": etag, "Cache-Control": f"public, max-age={self.settings.public_max_age}"}

    def _wants_ide(self, request: Request) -> bool:
        return request.method == "GET" and "text/html" in request.headers.get("accept", "")

    async def _read_within_limits(self, request: Request) -> Response | None:
        if request.method == "GET":
            url_limit = self.settings.max_query_string_bytes
            if len(request.url.query) > url_limit:
                return error_response(
                    414, ErrorCode.REQUEST_TOO_LARGE, f"The query string is over {url_limit} bytes."
                )
            return None
        limit = self.settings.max_body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return error_response(
                413, ErrorCode.REQUEST_TOO_LARGE, f"The request body is over {limit} bytes."
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return error_response(
                    413, ErrorCode.REQUEST_TOO_LARGE, f"The request body is over {limit} bytes."
                )
            chunks.append(chunk)
        # Starlette's Request keeps the body here; Strawberry reads it back from it.
        request._body = b"".join(chunks)
        return None

    async def _request_params(
        self, request: Request
    ) -> tuple[str, dict[str, object] | None, str | None] | None:
        """(query, variables, operationName) of a plain request, or None to skip the cache."""
        if request.method == "GET":
            raw: dict[str, Any] = dict(request.query_params)
            if "variables" in raw:
                try:
                    raw["variables"] = orjson.loads(raw["variables"])
                except orjson.JSONDecodeError:
                    return None
        elif request.method == "POST":
            if "application/json" not in request.headers.get("content-type", ""):
                return None
            try:
                raw = orjson.loads(await request.body())
            except orjson.JSONDecodeError:
                return None
        else:
            return None
        if not isinstance(raw, dict):
            return None
        query, variables, name = raw.get("query"), raw.get("variables"), raw.get("operationName")
        if not isinstance(query, str) or not isinstance(variables, dict | None):
            return None
        return query, variables, name if isinstance(name, str) else None
