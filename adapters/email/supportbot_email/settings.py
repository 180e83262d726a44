"""E-mail settings, read from the environment the core hands the plug-in (never at import).

The adapter is on when `EMAIL_ADDRESS` is set. The support addresses mail is accepted for are
the desk's intake channels on platform `email` (config), and `EMAIL_ADDRESS`, the address the
desk writes from, must be one of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from supportbot.config import Config

PLATFORM = "email"
INBOUND_PATH = "/api/email/inbound"
BOUNCED = "email.bounced"  # the event a bounce of our mail becomes (`feature.on_bounce`)
DEFAULT_LISTEN = "127.0.0.1:2525"
PLAYGROUND = "playground"  # EMAIL_RELAY=playground: mail stays in the playground's mail view
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ATTACHMENTS = 10
DEFAULT_LINK_DAYS = 14
MIN_SECRET = 16
Security = Literal["starttls", "tls", "none"]
_SIZE = re.compile(r"^\s*(\d+)\s*([kKmM]?)[bB]?\s*$")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EmailSettingsError(ValueError):
    """The EMAIL_* variables (or the intake channels they rely on) are incomplete or wrong."""


@dataclass(frozen=True, slots=True)
class RelaySettings:
    """The SMTP relay outgoing mail is handed to (a provider's submission port, Postfix…)."""

    host: str
    port: int = 587
    security: Security = "starttls"
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None  # a private CA that signed the relay's certificate
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES  # a whole message, as it arrives
    max_attachments: int = DEFAULT_MAX_ATTACHMENTS


@dataclass(frozen=True, slots=True)
class EmailSettings:
    address: str  # the desk writes from here
    relay: RelaySettings
    addresses: frozenset[str] = field(default_factory=frozenset)  # mail is accepted for these
    from_name: str = ""
    listen: tuple[str, int] | None = ("127.0.0.1", 2525)  # None: no SMTP listener
    trusted_authserv_ids: frozenset[str] = field(default_factory=frozenset)
    dkim_verify: bool = False
    allowed_domains: frozenset[str] = field(default_factory=frozenset)  # empty: every domain
    limits: Limits = field(default_factory=Limits)
    attachments_dir: Path = Path("email-attachments")
    link_secret: bytes | None = None  # signs the CSAT links in mail; None: no links
    link_days: int = DEFAULT_LINK_DAYS
    public_url: str = "http://127.0.0.1:8080"  # where the links point (config `public_url`)

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    def accepts(self, recipient: str) -> bool:
        return recipient.strip().lower() in self.addresses

    def sender_allowed(self, address: str) -> bool:
        domain = address.rpartition("@")[2].lower()
        return not self.allowed_domains or any(
            domain == d or domain.endswith("." + d) for d in self.allowed_domains
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str], config: Config) -> EmailSettings | None:
        """None when `EMAIL_ADDRESS` is absent: the desk then runs without e-mail."""
        address = env.get("EMAIL_ADDRESS", "").strip().lower()
        if not address:
            return None
        if not _ADDRESS.match(address):
            raise EmailSettingsError(f"EMAIL_ADDRESS={address!r} is not an e-mail address")
        addresses = _intake_addresses(config)
        if address not in addresses:
            raise EmailSettingsError(
                f"EMAIL_ADDRESS={address} is not an intake channel: add "
                f"{{platform: email, channel: {address}}} to intake_channels in the config"
            )
        return cls(
            address=address,
            addresses=addresses,
            relay=_relay(env),
            from_name=env.get("EMAIL_FROM_NAME", "").strip() or config.desk_name,
            listen=_listen(env.get("EMAIL_LISTEN", DEFAULT_LISTEN)),
            trusted_authserv_ids=_words(env.get("EMAIL_TRUSTED_AUTHSERV_IDS", "")),
            dkim_verify=_flag(env, "EMAIL_DKIM_VERIFY"),
            allowed_domains=_words(env.get("EMAIL_ALLOWED_DOMAINS", "")),
            limits=Limits(
                max_bytes=_size(env, "EMAIL_MAX_BYTES", DEFAULT_MAX_BYTES),
                max_attachments=_size(env, "EMAIL_MAX_ATTACHMENTS", DEFAULT_MAX_ATTACHMENTS),
            ),
            attachments_dir=Path(
                env.get("EMAIL_ATTACHMENTS_DIR", "").strip() or "email-attachments"
            ),
            link_secret=_secret(env),
            link_days=_size(env, "EMAIL_LINK_DAYS", DEFAULT_LINK_DAYS),
            public_url=config.public_url.rstrip("/"),
        )


def _intake_addresses(config: Config) -> frozenset[str]:
    return frozenset(
        c.channel.strip().lower() for c in config.intake_channels if c.platform == PLATFORM
    )


def _relay(env: Mapping[str, str]) -> RelaySettings:
    raw = env.get("EMAIL_RELAY", "").strip()
    if not raw:
        raise EmailSettingsError(
            "EMAIL_ADDRESS is set but EMAIL_RELAY is not: set it to the SMTP relay that sends "
            "the desk's mail, as host:port (e.g. smtp.example.com:587)"
        )
    if raw.lower() == PLAYGROUND:
        return RelaySettings(host=PLAYGROUND, port=0, security="none")
    host, port = _host_port(raw, "EMAIL_RELAY", default_port=587)
    security = env.get("EMAIL_RELAY_SECURITY", "starttls").strip().lower()
    if security not in ("starttls", "tls", "none"):
        raise EmailSettingsError(
            f"EMAIL_RELAY_SECURITY={security!r} is not one of starttls, tls, none"
        )
    username = env.get("EMAIL_RELAY_USERNAME", "").strip() or None
    password = env.get("EMAIL_RELAY_PASSWORD", "") or None
    if (username is None) != (password is None):
        raise EmailSettingsError(
            "set both EMAIL_RELAY_USERNAME and EMAIL_RELAY_PASSWORD, or neither"
        )
    return RelaySettings(
        host=host,
        port=port,
        security=security,  # type: ignore[arg-type]  # checked just above
        username=username,
        password=password,
        ca_file=env.get("EMAIL_RELAY_CA_FILE", "").strip() or None,
    )


def _listen(raw: str) -> tuple[str, int] | None:
    if raw.strip().lower() in ("off", "no", "0", "false"):
        return None
    return _host_port(raw.strip(), "EMAIL_LISTEN", default_port=2525)


def _host_port(raw: str, name: str, *, default_port: int) -> tuple[str, int]:
    host, sep, port = raw.rpartition(":")
    if not sep:
        return raw, default_port
    if not port.isdigit() or not host or int(port) > 65535:
        raise EmailSettingsError(f"{name}={raw!r} is not host:port (e.g. 127.0.0.1:{default_port})")
    return host.strip("[]"), int(port)


def _size(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    match = _SIZE.match(raw)
    if match is None:
        raise EmailSettingsError(f"{name}={raw!r} is not a number (bytes; 10M and 500K work too)")
    scale = {"": 1, "k": 1024, "m": 1024 * 1024}[match.group(2).lower()]
    return int(match.group(1)) * scale


def _secret(env: Mapping[str, str]) -> bytes | None:
    raw = env.get("EMAIL_LINK_SECRET", "").strip()
    if not raw:
        return None
    if len(raw) < MIN_SECRET:
        raise EmailSettingsError(
            f"EMAIL_LINK_SECRET is {len(raw)} characters; use at least {MIN_SECRET} random ones "
            "(e.g. the output of `openssl rand -hex 32`)"
        )
    return raw.encode("utf-8")


def _words(raw: str) -> frozenset[str]:
    return frozenset(w.strip().lower() for w in re.split(r"[,\s]+", raw) if w.strip())


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")
