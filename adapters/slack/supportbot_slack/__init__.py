"""Slack adapter for supportbot: slack-bolt inbound, the Slack Web API outbound."""

from supportbot_slack.app import EVENTS_PATH, SlackAdapter, SlackPlugin
from supportbot_slack.settings import SlackSettings, SlackSettingsError

__all__ = ["EVENTS_PATH", "SlackAdapter", "SlackPlugin", "SlackSettings", "SlackSettingsError"]
