"""Microsoft Teams adapter for supportbot (Bot Framework SDK, `POST /api/messages`).

botbuilder loads on first use: a desk without Teams settings (and every CLI command) does
not pay for it (about 25 MB and a second of imports).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from supportbot_teams.adapter import TeamsAdapter
    from supportbot_teams.plugin import TeamsPlugin
    from supportbot_teams.settings import TeamsSettings, TeamsSettingsError

__all__ = [
    "TeamsAdapter",
    "TeamsPlugin",
    "TeamsSettings",
    "TeamsSettingsError",
]
_HOMES = {
    "TeamsAdapter": "supportbot_teams.adapter",
    "TeamsPlugin": "supportbot_teams.plugin",
    "TeamsSettings": "supportbot_teams.settings",
    "TeamsSettingsError": "supportbot_teams.settings",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        found = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = found
        return found
    raise AttributeError(f"module 'supportbot_teams' has no attribute {name!r}")
