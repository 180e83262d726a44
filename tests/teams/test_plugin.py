"""When the plug-in turns Teams on, and what it refuses."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from aiohttp import web
from supportbot_teams import TeamsAdapter, TeamsPlugin, TeamsSettings, TeamsSettingsError

from supportbot.adapter import AdapterContext, discover_plugins
from supportbot.config import Config
from supportbot.store.db import Database

from .conftest import FakeDirectory, RecordingSink

APP_ID = "00000000-1111-2222-3333-444444444444"


def _create(env: dict[str, str], db: Database) -> tuple[object, web.Application]:
    app = web.Application()
    ctx = AdapterContext(Config(), env, app, RecordingSink(), FakeDirectory(), db.sessions)
    return TeamsPlugin().create(ctx), app


def test_the_entry_point_names_the_plugin() -> None:
    assert isinstance(discover_plugins()["teams"], TeamsPlugin)


def test_without_settings_teams_is_off(teams_db: Database) -> None:
    adapter, app = _create({}, teams_db)
    assert adapter is None
    assert not list(app.router.routes())


@pytest.mark.parametrize(
    "env", [{"SUPPORTBOT_TEAMS": "1"}, {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "s"}]
)
def test_emulator_switch_or_app_id_turns_teams_on(env: dict[str, str], teams_db: Database) -> None:
    adapter, app = _create(env, teams_db)
    assert isinstance(adapter, TeamsAdapter)
    assert adapter.settings.emulator is ("MICROSOFT_APP_ID" not in env)
    assert [r.resource.canonical for r in app.router.routes() if r.resource] == ["/api/messages"]
    caps = adapter.capabilities
    assert (caps.threads, caps.modals, caps.ephemeral, caps.update_in_place) == (
        True,
        False,
        False,
        True,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MICROSOFT_APP_ID": APP_ID}, "MICROSOFT_APP_PASSWORD"),
        ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "s",
          "MICROSOFT_APP_TYPE": "SingleTenant"}, "MICROSOFT_APP_TENANT_ID"),
        ({"SUPPORTBOT_TEAMS": "1", "MICROSOFT_APP_TYPE": "Personal"}, "MICROSOFT_APP_TYPE"),
        ({"SUPPORTBOT_TEAMS": "1", "SUPPORTBOT_TEAMS_RSC": "maybe"},
         "SUPPORTBOT_TEAMS_RSC='maybe' is neither on nor off"),
    ],
)  # fmt: skip
def test_incomplete_registrations_are_refused_with_the_variable_to_fix(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(TeamsSettingsError, match=message):
        TeamsSettings.from_env(env)


def test_settings_reach_the_sdk_under_its_attribute_names() -> None:
    env = {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "s",
           "MICROSOFT_APP_TYPE": "singletenant", "MICROSOFT_APP_TENANT_ID": "t-1"}  # fmt: skip
    settings = TeamsSettings.from_env(env)
    assert settings is not None
    assert settings.bot_configuration() == SimpleNamespace(
        APP_ID=APP_ID, APP_PASSWORD="s", APP_TYPE="SingleTenant", APP_TENANTID="t-1"
    )


@pytest.mark.parametrize(("value", "rsc"), [("", True), ("on", True), ("off", False), ("0", False)])
def test_resource_specific_consent_is_on_unless_switched_off(value: str, rsc: bool) -> None:
    settings = TeamsSettings.from_env({"SUPPORTBOT_TEAMS": "1", "SUPPORTBOT_TEAMS_RSC": value})
    assert settings is not None and settings.rsc is rsc


def test_only_without_consent_does_the_sender_add_mention_hints(teams_db: Database) -> None:
    on, _ = _create({"SUPPORTBOT_TEAMS": "1"}, teams_db)
    off, _ = _create({"SUPPORTBOT_TEAMS": "1", "SUPPORTBOT_TEAMS_RSC": "off"}, teams_db)
    assert isinstance(on, TeamsAdapter) and isinstance(off, TeamsAdapter)
    assert on.sender.hints is None and off.sender.hints is not None
