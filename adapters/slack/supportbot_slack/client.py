"""Outbound: each supportbot Intent as Slack Web API calls.

The AsyncWebClient retries 429 (waiting `Retry-After`) and 500/503 (with back-off) itself;
what still fails becomes `DeliveryError`, retryable unless Slack said the request itself is
wrong, so the core's outbox keeps the message instead of losing it.
"""

from __future__ import annotations

import logging
from typing import Any, cast

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from supportbot.adapter import Delivery, DeliveryError, Directory
from supportbot.events import MessageRef
from supportbot.intents import (
    Intent,
    OpenForm,
    PostEphemeral,
    PostMessage,
    SendDirect,
    UpdateMessage,
)
from supportbot.messages import Message
from supportbot_slack import ids
from supportbot_slack.render import Rendered, render, render_form

PLATFORM = "slack"
DELIVERY_EVENT = "supportbot_delivery"  # message metadata naming the outbox row of a post
log = logging.getLogger(__name__)

# Errors where sending the same request again cannot help: the outbox should not keep them.
_PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_blocks",
        "invalid_arguments",
        "msg_too_long",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "user_not_found",
        "cannot_dm_bot",
        "expired_trigger_id",
        "invalid_trigger_id",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "missing_scope",
        "restricted_action",
    }
)


def retry_handlers(
    *, rate_limit_retries: int = 3, server_retries: int = 2
) -> list[AsyncRetryHandler]:
    """The Web API client's retries: connection resets, 429 + Retry-After, 500/503 back-off."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
        AsyncServerErrorRetryHandler(
            max_retry_count=server_retries,
            interval_calculator=BackoffRetryIntervalCalculator(backoff_factor=0.5),
        ),
    ]


class _EffectiveLevel(logging.LoggerAdapter[logging.Logger]):
    """The Web API client's logger, whose `level` is the level it really logs at.

    slack_sdk guards its per-request debug line with `logger.level <= logging.DEBUG`; `level`
    is only the level set on that very logger, NOTSET (0) unless someone set one, so the guard
    always passes and every call formats its whole payload into a string that is then dropped
    (slackapi/python-slack-sdk#1957): about a sixth of the desk's CPU per delivered message.
    `level` here follows the logging configuration, as `isEnabledFor` does."""

    @property
    def level(self) -> int:
        return self.logger.getEffectiveLevel()


def web_client(token: str, base_url: str) -> AsyncWebClient:
    logger = _EffectiveLevel(logging.getLogger("slack_sdk.web.async_base_client"))
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        retry_handlers=retry_handlers(),
        logger=cast(logging.Logger, logger),  # it has the part of Logger the client uses
    )


class SlackSender:
    """Sends intents through one AsyncWebClient, rendering messages with the directory."""

    def __init__(self, client: AsyncWebClient, directory: Directory) -> None:
        self._client = client
        self._directory = directory

    async def send(self, intent: Intent, delivery: Delivery | None = None) -> MessageRef | None:
        match intent:
            case PostMessage(to=to, message=message):
                return await self._post(to.channel_id, message, to.thread_id, delivery)
            case UpdateMessage(ref=ref, message=message):
                return await self._update(ref, message)
            case PostEphemeral():
                await self._ephemeral(intent)
                return None
            case SendDirect(user_id=user_id, message=message):
                channel = await self._open_direct(user_id)
                return await self._post(channel, message, None, delivery)
            case OpenForm():
                await self._open_form(intent)
                return None
        raise DeliveryError(f"Slack cannot send {type(intent).__name__}", retryable=False)

    async def _post(
        self, channel: str, message: Message, thread: str | None, delivery: Delivery | None = None
    ) -> MessageRef:
        if delivery is not None and delivery.retry:
            found = await self._posted(channel, thread, delivery.key)
            if found is not None:  # posted before a crash kept the desk from recording it
                return found
        rendered = render(message, self._directory)
        # No link previews: a card quoting a customer's URL must not unfurl it in the channel.
        args: dict[str, Any] = {
            "channel": channel,
            **_content(rendered),
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread:
            args["thread_ts"] = thread
        if delivery is not None:  # lets a retry find this post (message metadata)
            args["metadata"] = {
                "event_type": DELIVERY_EVENT,
                "event_payload": {"key": delivery.key},
            }
        data = await self._call("chat.postMessage", args)
        return MessageRef(PLATFORM, str(data.get("channel") or channel), str(data["ts"]), thread)

    async def _posted(self, channel: str, thread: str | None, key: str) -> MessageRef | None:
        """Our recent post carrying `key` in its metadata, if Slack has one."""
        args: dict[str, Any] = {"channel": channel, "include_all_metadata": True, "limit": 100}
        method = "conversations.history"
        if thread:
            method, args["ts"] = "conversations.replies", thread
        try:
            data = await self._call(method, args, http_verb="GET")
        except DeliveryError as exc:  # cannot look: posting twice beats not posting
            log.warning("cannot look for an earlier post in %s: %s", channel, exc)
            return None
        for found in data.get("messages") or ():
            meta = found.get("metadata") or {}
            if meta.get("event_type") == DELIVERY_EVENT and (
                (meta.get("event_payload") or {}).get("key") == key
            ):
                return MessageRef(PLATFORM, channel, str(found["ts"]), thread)
        return None

    async def _update(self, ref: MessageRef, message: Message) -> MessageRef:
        rendered = render(message, self._directory)
        args = {"channel": ref.channel_id, "ts": ref.message_id, **_content(rendered)}
        await self._call("chat.update", args)
        return ref

    async def _ephemeral(self, intent: PostEphemeral) -> None:
        if _is_user(intent.to.channel_id):
            # No channel to be ephemeral in (a form submitted from a modal): a DM instead.
            await self._post(intent.to.channel_id, intent.message, None)
            return
        rendered = render(intent.message, self._directory)
        args: dict[str, Any] = {
            "channel": intent.to.channel_id,
            "user": intent.user_id,
            **_content(rendered),
        }
        if intent.to.thread_id:
            args["thread_ts"] = intent.to.thread_id
        await self._call("chat.postEphemeral", args)

    async def _open_direct(self, user_id: str) -> str:
        data = await self._call("conversations.open", {"users": user_id})
        return str(data["channel"]["id"])

    async def _open_form(self, intent: OpenForm) -> None:
        if not intent.trigger_id:
            raise DeliveryError("a Slack modal needs the trigger_id of a click", retryable=False)
        where = intent.conversation
        meta = ids.FormMeta(
            intent.form.context,
            where.channel_id if where else "",
            where.thread_id if where else None,
        )
        view = render_form(intent.form, meta)
        await self._call("views.open", {"trigger_id": intent.trigger_id, "view": view})

    async def fetch_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """One message by its ts: a top-level one from history, a thread reply from replies."""
        window = {"channel": channel, "latest": ts, "oldest": ts, "inclusive": True, "limit": 1}
        for method, args in (
            ("conversations.history", window),
            ("conversations.replies", {**window, "ts": ts}),
        ):
            data = await self._call(method, args, http_verb="GET")
            found = [m for m in data.get("messages") or () if m.get("ts") == ts]
            if found:
                return dict(found[0])
        return None

    async def user_info(self, user_id: str) -> dict[str, Any]:
        data = await self._call("users.info", {"user": user_id, "include_locale": True}, "GET")
        return dict(data.get("user") or {})

    async def _call(self, method: str, args: dict[str, Any], http_verb: str = "POST") -> Any:
        try:
            if http_verb == "GET":
                response = await self._client.api_call(method, http_verb="GET", params=args)
            else:
                response = await self._client.api_call(method, json=args)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
            raise DeliveryError(
                f"Slack {method} failed: {error}", retryable=error not in _PERMANENT
            ) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"Slack {method} unreachable: {exc!r}", retryable=True) from exc
        return response.data


def _is_user(channel: str) -> bool:
    # Slack accepts a user id as the channel of chat.postMessage (the app's DM with them).
    return channel[:1] in ("U", "W")


def _content(rendered: Rendered) -> dict[str, Any]:
    return {"text": rendered.text, "blocks": rendered.blocks}
