"""What mutations hand back for expected failures: `errors: [UserError!]!` in their payload."""

from __future__ import annotations

import strawberry

from service.errors import DomainError


@strawberry.type(description="One reason a mutation's input was not accepted.")
class UserError:
    field: str | None = strawberry.field(description="The input field, e.g. `email`.")
    code: str = strawberry.field(description="A stable upper-case word, e.g. `REQUIRED`.")
    message: str


def user_errors(exc: DomainError) -> list[UserError]:
    return [UserError(field=e.field, code=e.code.value, message=e.message) for e in exc.errors]
