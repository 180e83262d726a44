"""E-mail adapter for supportbot: an SMTP listener and an HTTP route in, a relay out."""

from __future__ import annotations

from supportbot_email.adapter import EmailAdapter, EmailPlugin
from supportbot_email.settings import EmailSettings, EmailSettingsError

__all__ = ["EmailAdapter", "EmailPlugin", "EmailSettings", "EmailSettingsError"]
