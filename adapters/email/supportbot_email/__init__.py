"""E-mail adapter for supportbot: an SMTP listener and an HTTP route in, a relay out.

The mail libraries load on first use: a desk without e-mail settings does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from supportbot_email.adapter import EmailAdapter
    from supportbot_email.plugin import EmailPlugin
    from supportbot_email.settings import EmailSettings, EmailSettingsError

__all__ = ["EmailAdapter", "EmailPlugin", "EmailSettings", "EmailSettingsError"]
_HOMES = {
    "EmailAdapter": "supportbot_email.adapter",
    "EmailPlugin": "supportbot_email.plugin",
    "EmailSettings": "supportbot_email.settings",
    "EmailSettingsError": "supportbot_email.settings",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        found = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = found
        return found
    raise AttributeError(f"module 'supportbot_email' has no attribute {name!r}")
