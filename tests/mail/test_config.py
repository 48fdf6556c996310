"""SMTP_URL and the pool's settings."""

from __future__ import annotations

import pytest

from service.mail.config import MailNotConfigured, SmtpConfig, parse_smtp_url
from service.mail.smtp import SmtpPool
from service.settings import Settings


def test_plain_smtp_upgrades_when_offered_on_port_25() -> None:
    config = parse_smtp_url("smtp://mail.example.org")
    assert (config.host, config.port, config.starttls, config.implicit_tls) == (
        "mail.example.org",
        25,
        "auto",
        False,
    )
    assert config.username is None


def test_required_starttls_defaults_to_the_submission_port() -> None:
    config = parse_smtp_url("smtp://u:p@relay.example.org?starttls=1")
    assert (config.port, config.starttls) == (587, "always")


def test_smtps_is_implicit_tls_on_465() -> None:
    config = parse_smtp_url("smtps://relay.example.org")
    assert (config.port, config.implicit_tls, config.starttls) == (465, True, "never")


def test_credentials_are_percent_decoded() -> None:
    config = parse_smtp_url("smtp://ana%40shoqata.al:p%3As%2Fs@relay:2525?starttls=0&verify=0")
    assert (config.username, config.password) == ("ana@shoqata.al", "p:s/s")
    assert (config.port, config.starttls, config.verify_certs) == (2525, "never", False)


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://relay", "smtp://"),
        ("smtp://", "no host"),
        ("smtps://relay?starttls=1", "TLS already"),
        ("smtp://relay?starttls=maybe", "starttls"),
    ],
)
def test_bad_urls_are_refused(url: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_smtp_url(url)


def test_settings_carry_the_pool_knobs_and_the_helo_name() -> None:
    settings = Settings(
        debug=True,
        smtp_url="smtp://relay.example.org:2525",
        mail_from="Buletin <buletin@shoqata.al>",
        smtp_pool_size=8,
        smtp_rate_per_second=5,
        smtp_attempts=4,
    )
    config = SmtpConfig.from_settings(settings)
    assert (config.pool_size, config.rate_per_second, config.attempts) == (8, 5, 4)
    assert config.helo_name == "shoqata.al"


def test_sending_without_a_relay_is_a_clear_error() -> None:
    with pytest.raises(MailNotConfigured, match="SMTP_URL"):
        SmtpPool.from_settings(Settings(debug=True, smtp_url=None))
