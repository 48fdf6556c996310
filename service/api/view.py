"""The /graphql endpoint in three steps: the cache, the execution, the response.

A request is read within its limits, and its credentials are checked: a token that is not
valid is answered with 401, never served as anonymous. An anonymous request may then be
answered from the cache by its bytes alone, without parsing or touching the database
(step 1). Otherwise its parameters are read, a persisted query is looked up, and the
schema runs it (step 2). The response step (3) encodes the result, caches what every
reader may see, and sets the caching headers. HEAD is answered as GET without the body
(RFC 9110 §9.3.2). Strawberry's HTTP view is kept for the GraphiQL page only.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from service.api.cache import ResultCache, body_etag
from service.api.context import Context, Services
from service.api.errors import ErrorCode, format_error
from service.api.graphiql import graphiql_html
from service.api.params import (
    GraphQLParams,
    Refusal,
    bad_request,
    from_body,
    from_query_string,
    limit_body,
    read_body,
)
from service.api.permissions import SIGN_IN_AGAIN
from service.conditional import none_match
from service.staff.actions import staff_for_token

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send
    from strawberry.schema import BaseSchema
    from strawberry.types import ExecutionResult

    from service.api.persisted import PersistedQueries
    from service.api.versions import ContentVersions
    from service.settings import Settings
    from service.staff.models import StaffUser

log = logging.getLogger("buletin.api")

JSON = "application/json"
# Subscriptions go on to validation, which refuses them as any invalid document (the
# schema has no Subscription root); only a mutation over GET is refused before that.
OVER_GET = frozenset({OperationType.QUERY, OperationType.SUBSCRIPTION})
OVER_POST = frozenset(OperationType)


def bearer_token(header: str) -> str | None:
    """The token of `Authorization: Bearer <token>`; None for any other scheme."""
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class GraphQLView(GraphQL[Context, None]):
    def __init__(
        self,
        schema: BaseSchema,
        settings: Settings,
        cache: ResultCache,
        versions: ContentVersions,
        persisted: PersistedQueries,
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.debug else None)
        self.settings = settings
        self.cache = cache
        self.versions = versions
        self.persisted = persisted

    @property
    def graphql_ide_html(self) -> str:
        # Strawberry's page with its CDN files served from our own (offline GraphiQL).
        return graphiql_html()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, self._limited(scope, receive))
        try:
            response = await self.handle(request)
        except Refusal as refusal:
            response = refusal.response()
        await response(scope, receive, send)

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        if scope["method"] != "POST":
            return receive
        declared = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value.decode("latin-1")
                break
        return limit_body(receive, self.settings.max_body_bytes, declared)

    async def handle(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD", "POST"):
            raise Refusal(
                405,
                ErrorCode.BAD_REQUEST,
                "GraphQL takes GET and POST.",
                headers={"Allow": "GET, HEAD, POST"},
            )
        # HEAD shares GET's cache entries and answers.
        method = "POST" if request.method == "POST" else "GET"
        if self._wants_ide(request):
            if not self.graphql_ide:
                raise Refusal(404, ErrorCode.BAD_REQUEST, "No GraphiQL here outside debug mode.")
            return await self.render_graphql_ide(request)
        raw = await self._raw(request, method)
        staff, token = await self._authenticate(request)

        # 1. The cache: anonymous answers by the request's bytes, with no I/O.
        key: str | None = None
        if staff is None and self.cache.enabled:
            key = self.cache.key(method, raw, version=self.versions.current)
            hit = self.cache.get(key)
            if hit is not None:
                return self._public(request, method, hit.body, hit.etag)

        # 2. Execution.
        params = (
            from_query_string(request) if method == "GET" else from_body(raw, self._type(request))
        )
        params = await self.persisted.resolve(params)
        context = self._context(request, params, staff, token)
        result = await self._execute(params, context, OVER_GET if method == "GET" else OVER_POST)
        if context.ran_mutation:
            # Read our own writes: the next request here must not get a pre-mutation answer.
            await self.versions.refresh()

        # 3. The response.
        return self._respond(request, method, result, context, key)

    async def _raw(self, request: Request, method: str) -> bytes:
        if method == "GET":
            raw: bytes = request.scope["query_string"]
            limit = self.settings.max_query_string_bytes
            if len(raw) > limit:
                raise Refusal(
                    414, ErrorCode.REQUEST_TOO_LARGE, f"The query string is over {limit} bytes."
                )
            return raw
        return await read_body(request.receive)

    async def _authenticate(self, request: Request) -> tuple[StaffUser | None, str | None]:
        header = request.headers.get("authorization")
        if header is None:
            return None, None
        # Only requests that bring credentials pay for the lookup (and skip the cache).
        token = bearer_token(header)
        staff = await staff_for_token(token) if token else None
        if staff is None:
            # Never anonymous instead: the frontend must learn to sign its user in again.
            raise Refusal(
                401,
                ErrorCode.UNAUTHENTICATED,
                SIGN_IN_AGAIN,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return staff, token

    def _context(
        self,
        request: Request,
        params: GraphQLParams,
        staff: StaffUser | None,
        token: str | None,
    ) -> Context:
        # Made by the app's lifespan, with the clients they use.
        services: Services = request.app.state.services
        return Context(
            request=request,
            settings=self.settings,
            services=services,
            operation_name=params.operation_name,
            staff=staff,
            token=token,
        )

    async def _execute(
        self, params: GraphQLParams, context: Context, allowed: frozenset[OperationType]
    ) -> ExecutionResult:
        try:
            return await self.schema.execute(
                params.query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
                allowed_operation_types=allowed,
            )
        except InvalidOperationTypeError as exc:
            raise Refusal(
                405, ErrorCode.BAD_REQUEST, "Mutations need POST.", headers={"Allow": "POST"}
            ) from exc
        except CannotGetOperationTypeError as exc:
            raise bad_request(exc.as_http_error_reason()) from exc
        except MissingQueryError as exc:
            raise bad_request("No GraphQL query found in the request.") from exc

    def _respond(
        self,
        request: Request,
        method: str,
        result: ExecutionResult,
        context: Context,
        key: str | None,
    ) -> Response:
        data: dict[str, Any] = {"data": result.data}
        if result.errors:
            # Our own failures' messages only for signed-in staff, and only in debug mode.
            reveal = self.settings.debug and context.staff is not None
            data["errors"] = [format_error(e, reveal=reveal) for e in result.errors]
        if result.extensions:
            data["extensions"] = result.extensions
        # orjson: a twentieth of json.dumps' time on a page of entries (bench/graphql_read.py).
        body = orjson.dumps(data)
        public = (
            context.staff is None
            and context.ran_query
            and not context.private
            and not result.errors
        )
        if not public:
            return Response(body, media_type=JSON, headers={"Cache-Control": "private, no-store"})
        if key is not None:
            etag = self.cache.put(key, body).etag
        else:
            etag = body_etag(body) if method == "GET" else ""
        return self._public(request, method, body, etag)

    def _public(self, request: Request, method: str, body: bytes, etag: str) -> Response:
        """An answer every reader may see; over GET, with validators for browsers and CDNs."""
        if method != "GET":
            return Response(body, media_type=JSON)
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={self.settings.public_max_age}"}
        if_none_match = request.headers.get("if-none-match")
        if if_none_match is not None and none_match(if_none_match, etag):
            return Response(status_code=304, headers=headers)
        if request.method == "HEAD":
            # Starlette's Response would send the body; the length is the one GET would send.
            headers["Content-Length"] = str(len(body))
            return Response(media_type=JSON, headers=headers)
        return Response(body, media_type=JSON, headers=headers)

    def _type(self, request: Request) -> str:
        return request.headers.get("content-type", "")

    def _wants_ide(self, request: Request) -> bool:
        if request.method != "GET" or "text/html" not in request.headers.get("accept", ""):
            return False
        params = request.query_params
        return "query" not in params and "extensions" not in params
