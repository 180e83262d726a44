"""How scenario expectations name where a message went, and whether one matches."""

from __future__ import annotations

from supportbot.config import Config
from supportbot.intents import Intent, PostMessage, PostToTicket, SendDirect
from supportbot.markup import to_plain
from supportbot.workflows.facts import fold

Sent = tuple[str, str]  # (where, plain text)


def describe_intent(intent: Intent, config: Config) -> Sent | None:
    """Where a workflow message went, in scenario words; None for what is not one (cards)."""
    match intent:
        case PostToTicket(audience=audience, message=message):
            where = "requester" if audience == "requester" else "thread"
            return where, to_plain(message.text)
        case PostMessage(to=to, message=message, purpose=purpose):
            if purpose is not None and purpose.kind == "card":
                return None
            return _channel_name(config, to.platform, to.channel_id), to_plain(message.text)
        case SendDirect(platform=platform, user_id=user_id, message=message):
            person = config.person_by_identity(platform, user_id)
            return f"person:{person.id if person else user_id}", to_plain(message.text)
    return None


def _channel_name(config: Config, platform: str, channel_id: str) -> str:
    for name in ("support_channel", "leads_channel", "kudos_channel"):
        if getattr(config, name).get(platform) == channel_id:
            return name
    for team in config.teams:
        if team.channel.get(platform) == channel_id:
            return f"team:{team.name}"
    for dept in config.departments:
        if dept.channel.get(platform) == channel_id:
            return f"department:{dept.name}"
    return f"{platform}:{channel_id}"


def message_matches(to: str, contains: str | list[str], sent: Sent) -> bool:
    where, text = sent
    needles = [contains] if isinstance(contains, str) else contains
    return where == to and all(fold(n) in fold(text) for n in needles)
