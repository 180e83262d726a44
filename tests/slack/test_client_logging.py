"""The Web API client logs each request at DEBUG only when DEBUG is on: slack_sdk guards that
line with `logger.level <= DEBUG` (slackapi/python-slack-sdk#1957), which a logger without a
level of its own always passes, so it formatted every payload into a dropped string. The
client's logger reports its effective level instead."""

from __future__ import annotations

import logging

import pytest
from supportbot_slack.client import web_client

from .kit import MockSlackApi

SDK = "slack_sdk.web.async_base_client"


async def test_the_request_line_is_built_only_when_debug_is_on(
    slack_api: MockSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    client = web_client("xoxb-test", slack_api.base_url)
    caplog.set_level(logging.INFO, logger="slack_sdk")
    assert logging.getLogger(SDK).level == logging.NOTSET  # what fooled slack_sdk's guard
    assert not client.logger.level <= logging.DEBUG  # the guard slack_sdk runs per request
    await client.chat_postMessage(channel="C1", text="hello")
    assert not [r for r in caplog.records if "Sending a request" in r.getMessage()]

    caplog.set_level(logging.DEBUG, logger="slack_sdk")
    assert client.logger.level <= logging.DEBUG
    await client.chat_postMessage(channel="C1", text="hello again")
    sent = [r.getMessage() for r in caplog.records if "Sending a request" in r.getMessage()]
    assert len(sent) == 1 and "chat.postMessage" in sent[0] and "hello again" in sent[0]
    assert len(slack_api.named("chat.postMessage")) == 2
