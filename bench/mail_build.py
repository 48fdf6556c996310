"""What building a staff notice costs per recipient, and why we build it the way we do.

Four ways to make N messages of one notice (one language variant, N staff members):

1. render once (slots for the recipient's name) + fill + build per recipient: the pipeline;
2. render per recipient + build: what a job does if it renders inside its loop;
3. the same bytes through plain `MIMEMultipart` + `MIMEText` (stdlib defaults: header
   folding through `email.header.Header`, line-by-line base64), to show what
   service/mail/_mime.py saves;
4. `EmailMessage.set_content` + `add_alternative` (the modern API), which docs/architecture.md §8
   measured at ~770 µs against ~50 µs.

Bodies and headers are the same in every way (UTF-8, Albanian subject and names). Each
figure is the best of --rounds runs, in µs per message. Run from the repository root:

    .venv/bin/python bench/mail_build.py [--recipients 500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from typing import Any
from zoneinfo import ZoneInfo

from service.mail.message import MessageBuilder
from service.mail.render import Rendered, Renderer, find_templates_dir

MAIL_FROM = "Buletini i Shoqatës <buletin@shoqata.al>"
FIRST_NAMES = ["Ëndri", "Ana", "Çlirim", "Blerina", "Gëzim", "Drita", "Arbër", "Mirela"]


def notice_context() -> dict[str, Any]:
    return {
        "entry_title": "Thirrje për grante të vogla për organizatat e shoqërisë civile 2026",
        "entry_kind": "call",
        "entry_url": "https://example.org/sq/call/grante-te-vogla-2026",
        "other_languages": [
            {
                "locale": "en",
                "name": "anglisht",
                "url": "https://example.org/en/call/small-grants-2026",
            }
        ],
        "preview_url": "https://example.org/preview?token=abc&locale=sq",
        "time_zone": "Ora: Shqipëri",
        "starts_at": None,
        "ends_at": None,
        "venue": None,
        "online_url": None,
        "registration_url": None,
        "opens_at": datetime(2026, 5, 1, 7, 0, tzinfo=UTC),
        "deadline": datetime(2026, 5, 15, 21, 59, tzinfo=UTC),
        "apply_url": "https://example.org/apliko",
        "summary": "Grante deri në 5,000 euro për projekte komunitare në të gjitha bashkitë.",
        "published_by": "Ana Hoxha",
        "recipient_name": None,
        "site_name": "Buletin",
    }


def recipients(count: int) -> list[tuple[str, str]]:
    return [
        (f"{FIRST_NAMES[n % len(FIRST_NAMES)]} Çela {n}", f"staff{n}@example.org")
        for n in range(count)
    ]


def best_per_message(run: Callable[[], int], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        made = run()
        best = min(best, (time.perf_counter() - started) / made)
    return best * 1e6


def stdlib_mime(rendered: Rendered, key: str, name: str, address: str) -> bytes:
    message = MIMEMultipart("alternative")
    message["From"] = formataddr(("Buletini i Shoqatës", "buletin@shoqata.al"), "utf-8")
    message["To"] = formataddr((name, address), "utf-8")
    message["Subject"] = rendered.subject  # compat32 encodes it through Header
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<{key}@shoqata.al>"
    message["Content-Language"] = rendered.locale
    message["Auto-Submitted"] = "auto-generated"
    message.attach(MIMEText(rendered.text, "plain", "utf-8"))
    message.attach(MIMEText(rendered.html, "html", "utf-8"))
    return message.as_bytes()


def email_message(rendered: Rendered, key: str, name: str, address: str) -> bytes:
    message = EmailMessage()
    message["From"] = MAIL_FROM
    message["To"] = formataddr((name, address))
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<{key}@shoqata.al>"
    message["Content-Language"] = rendered.locale
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--recipients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    renderer = Renderer(find_templates_dir(), ZoneInfo("Europe/Tirane"), site_name="Buletin")
    builder = MessageBuilder(MAIL_FROM)
    context = notice_context()
    staff = recipients(args.recipients)
    renderer.render("staff_notice", "sq", context)  # warm: templates compiled, catalog read

    def render_once() -> int:
        variant = renderer.render("staff_notice", "sq", context, slots=("recipient_name",))
        for n, (name, address) in enumerate(staff):
            rendered = variant.fill({"recipient_name": name})
            builder.build(rendered, key=f"notice-1-{n}", to_address=address, to_name=name)
        return len(staff)

    def render_each() -> int:
        for n, (name, address) in enumerate(staff):
            rendered = renderer.render("staff_notice", "sq", {**context, "recipient_name": name})
            builder.build(rendered, key=f"notice-1-{n}", to_address=address, to_name=name)
        return len(staff)

    one = renderer.render("staff_notice", "sq", {**context, "recipient_name": "Ëndri Çela"})

    def build_only(make: Callable[[Rendered, str, str, str], object]) -> Callable[[], int]:
        def run() -> int:
            for n, (name, address) in enumerate(staff):
                make(one, f"notice-1-{n}", name, address)
            return len(staff)

        return run

    def ours(rendered: Rendered, key: str, name: str, address: str) -> object:
        return builder.build(rendered, key=key, to_address=address, to_name=name).data

    figures = {
        "render once + fill + build": best_per_message(render_once, args.rounds),
        "render per recipient + build": best_per_message(render_each, args.rounds),
        "build: MessageBuilder": best_per_message(build_only(ours), args.rounds),
        "build: MIMEMultipart stdlib": best_per_message(build_only(stdlib_mime), args.rounds),
        "build: EmailMessage.set_content": best_per_message(build_only(email_message), args.rounds),
    }
    size = len(builder.build(one, key="k", to_address="a@example.org").data)
    print(f"{args.recipients} recipients, best of {args.rounds} rounds, message {size} bytes")
    print(f"  text {len(one.text)} chars, html {len(one.html)} chars (CSS inlined)")
    for label, micros in figures.items():
        print(f"{label:<34} {micros:9.1f} µs/message")
    print(
        "ratio render per recipient / render once: "
        f"{figures['render per recipient + build'] / figures['render once + fill + build']:.1f}x"
    )
    print(
        "ratio EmailMessage / MessageBuilder: "
        f"{figures['build: EmailMessage.set_content'] / figures['build: MessageBuilder']:.1f}x"
    )
    print(
        "ratio stdlib MIMEMultipart / MessageBuilder: "
        f"{figures['build: MIMEMultipart stdlib'] / figures['build: MessageBuilder']:.1f}x"
    )


if __name__ == "__main__":
    main()
