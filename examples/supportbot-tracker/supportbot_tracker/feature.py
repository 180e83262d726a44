"""The tracker feature: what it registers, and what it needs from the running desk.

`setup` only registers (it also runs for `supportbot workflows validate | schema | reference`,
where there is no desk); the deliverer needs the desk's environment, scheduler and clock, so it
is registered when the feature attaches to a desk.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from supportbot.plugins import Hooks

from supportbot_tracker import action, condition
from supportbot_tracker.command import on_tracker
from supportbot_tracker.deliverer import LINK_TIMER, TrackerDeliverer
from supportbot_tracker.issues import SERVICE
from supportbot_tracker.links import link_issue
from supportbot_tracker.settings import SettingsError, TrackerSettings

if TYPE_CHECKING:
    from supportbot.desk import Desk

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"


class TrackerFeature:
    name = "tracker"

    def setup(self, hooks: Hooks) -> None:
        action.register(hooks)
        condition.register(hooks)
        hooks.command("tracker", on_tracker, usage="tracker #number", takes_ticket=True)
        hooks.timer(LINK_TIMER, link_issue)
        hooks.templates(TEMPLATES)
        hooks.on_attach(attach)


def attach(desk: Desk) -> None:
    """Register the deliverer with the desk's settings. Without them the desk still starts:
    each issue is then audited on its ticket as a final failure naming the missing variable."""
    settings: TrackerSettings | SettingsError
    try:
        settings = TrackerSettings.from_env(desk.env)
    except SettingsError as exc:
        log.info("tracker: %s; no issues can be opened until it is", exc)
        settings = exc
    desk.hooks.deliverer(SERVICE, TrackerDeliverer(settings, desk.timers, desk.clock))
