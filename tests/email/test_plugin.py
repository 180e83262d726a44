"""The plug-in: found by its entry point, off without EMAIL_ADDRESS, clear about bad settings."""

from __future__ import annotations

import pytest
from supportbot_email import EmailSettings, EmailSettingsError

from supportbot.adapter import discover_plugins
from supportbot.config import Config

SUPPORT = "support@acme.example"


def config(*addresses: str) -> Config:
    return Config.model_validate(
        {"intake_channels": [{"platform": "email", "channel": a} for a in addresses]}
    )


def env(**extra: str) -> dict[str, str]:
    return {"EMAIL_ADDRESS": SUPPORT, "EMAIL_RELAY": "smtp.acme.example", **extra}


def test_the_entry_point_is_registered() -> None:
    assert type(discover_plugins()["email"]).__name__ == "EmailPlugin"


def test_off_without_an_address_and_defaults_with_one() -> None:
    assert EmailSettings.from_env({}, config(SUPPORT)) is None
    settings = EmailSettings.from_env(
        env(EMAIL_MAX_BYTES="5M"), config(SUPPORT, "billing@acme.example")
    )
    assert settings is not None
    assert settings.relay.port == 587 and settings.relay.security == "starttls"
    assert settings.listen == ("127.0.0.1", 2525)
    assert settings.limits.max_bytes == 5 * 1024 * 1024
    assert settings.accepts("Billing@Acme.example") and not settings.accepts("x@acme.example")


@pytest.mark.parametrize(
    ("changes", "addresses", "message"),
    [
        ({"EMAIL_RELAY": ""}, (SUPPORT,), "EMAIL_RELAY is not"),
        ({}, (), "is not an intake channel"),
        ({"EMAIL_ADDRESS": "support"}, (SUPPORT,), "not an e-mail address"),
        ({"EMAIL_RELAY_SECURITY": "ssl"}, (SUPPORT,), "starttls, tls, none"),
        ({"EMAIL_RELAY_USERNAME": "desk"}, (SUPPORT,), "EMAIL_RELAY_PASSWORD"),
        ({"EMAIL_LISTEN": "127.0.0.1:port"}, (SUPPORT,), "host:port"),
        ({"EMAIL_MAX_BYTES": "lots"}, (SUPPORT,), "is not a number"),
    ],
)
def test_bad_settings_say_which_variable_to_fix(
    changes: dict[str, str], addresses: tuple[str, ...], message: str
) -> None:
    with pytest.raises(EmailSettingsError, match=message):
        EmailSettings.from_env(env(**changes), config(*addresses))
