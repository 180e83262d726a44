"""The plug-in: when the playground is on, which channels and personas it offers."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from supportbot.adapter import ENTRY_POINT_GROUP
from supportbot.config import Config
from supportbot.playground import PlaygroundPlugin, channels_from
from supportbot.playground.access import is_on
from supportbot.playground.personas import personas_from

from .helpers import CONFIG


def test_the_plugin_is_registered_under_the_adapters_entry_point() -> None:
    (found,) = entry_points(group=ENTRY_POINT_GROUP, name="playground")
    assert found.load() is PlaygroundPlugin


def test_it_is_on_only_when_asked_for() -> None:
    # A config naming playground channels no longer turns it on by itself (see test_access).
    assert not is_on({}) and not is_on({"SUPPORTBOT_PLAYGROUND": "off"})
    assert is_on({"SUPPORTBOT_PLAYGROUND": "on"}) and is_on({"SUPPORTBOT_PLAYGROUND": "1"})


def test_channels_come_from_the_defaults_and_the_config() -> None:
    data: dict[str, Any] = {**CONFIG, "leads_channel": {"playground": "leads"}}
    assert channels_from(Config.model_validate(data)) == (
        "customers",
        "support",
        "engineering",
        "sales",
        "marketing",
        "kudos",
        "leads",
    )


def test_personas_take_their_role_from_the_config() -> None:
    personas = personas_from(Config.model_validate(CONFIG))
    assert [(p.id, p.role, p.organization) for p in personas] == [
        ("yuki", "customer", "acme"),
        ("aiko", "agent", None),
        ("ken", "lead", None),
        ("mei", "engineer", None),
    ]


def test_a_configured_customer_replaces_the_default_one() -> None:
    data: dict[str, Any] = {
        **CONFIG,
        "people": [{"id": "tom", "name": "Tom", "identities": {"playground": "tom"}}],
    }
    (tom,) = personas_from(Config.model_validate(data))
    assert (tom.id, tom.role, tom.organization) == ("tom", "customer", "acme")
