"""Teams settings from the environment, checked once at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace

from supportbot.usage import SettingsError

ENABLE_VAR = "SUPPORTBOT_TEAMS"
RSC_VAR = "SUPPORTBOT_TEAMS_RSC"
_SWITCH = {"on": True, "1": True, "true": True, "yes": True,
           "off": False, "0": False, "false": False, "no": False}  # fmt: skip
APP_TYPES = {"multitenant": "MultiTenant", "singletenant": "SingleTenant",
             "userassignedmsi": "UserAssignedMSI"}  # fmt: skip


class TeamsSettingsError(SettingsError, ValueError):
    """The MICROSOFT_APP_* variables do not describe a usable bot registration."""


@dataclass(frozen=True, slots=True)
class TeamsSettings:
    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    tenant_id: str = ""
    # Resource-specific consent: the app package asks for it, and a team owner grants it at
    # install, after which Teams delivers every channel message, @mention or not. `off` where
    # consent is withheld: cards then tell people to @mention the bot.
    rsc: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TeamsSettings | None:
        """None when Teams is not configured: no `MICROSOFT_APP_ID` and no `SUPPORTBOT_TEAMS=1`
        (which runs the bot without authentication, for the Bot Framework Emulator)."""
        app_id = env.get("MICROSOFT_APP_ID", "").strip()
        if not app_id and env.get(ENABLE_VAR, "").strip().lower() not in ("1", "true", "yes"):
            return None
        raw_type = env.get("MICROSOFT_APP_TYPE", "").strip() or "MultiTenant"
        settings = cls(
            app_id=app_id,
            app_password=env.get("MICROSOFT_APP_PASSWORD", ""),
            app_type=APP_TYPES.get(raw_type.lower(), raw_type),
            tenant_id=env.get("MICROSOFT_APP_TENANT_ID", "").strip(),
            rsc=_switch(env, RSC_VAR, default=True),
        )
        settings.check()
        return settings

    @property
    def emulator(self) -> bool:
        """No app id: requests are not authenticated and replies carry no token."""
        return not self.app_id

    def check(self) -> None:
        if self.app_type not in APP_TYPES.values():
            known = ", ".join(APP_TYPES.values())
            raise TeamsSettingsError(f"MICROSOFT_APP_TYPE={self.app_type!r} is not one of {known}")
        if self.emulator:
            return
        if self.app_type != "UserAssignedMSI" and not self.app_password:
            raise TeamsSettingsError("MICROSOFT_APP_ID is set but MICROSOFT_APP_PASSWORD is empty")
        if self.app_type != "MultiTenant" and not self.tenant_id:
            raise TeamsSettingsError(
                f"MICROSOFT_APP_TYPE={self.app_type} needs MICROSOFT_APP_TENANT_ID"
            )

    def bot_configuration(self) -> SimpleNamespace:
        """What `ConfigurationBotFrameworkAuthentication` reads (by attribute name)."""
        return SimpleNamespace(
            APP_ID=self.app_id,
            APP_PASSWORD=self.app_password,
            APP_TYPE=self.app_type,
            APP_TENANTID=self.tenant_id or None,
        )


def _switch(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _SWITCH:
        raise TeamsSettingsError(f"{name}={raw!r} is neither on nor off")
    return _SWITCH[raw]
