"""Conversation references: upserted per key on SQLite and PostgreSQL, newest wins."""

from __future__ import annotations

from supportbot_teams.refs import ReferenceStore
from supportbot_teams.turn import reference_of

from supportbot.store.db import Database

from .conftest import TENANT, activity


async def test_reference_is_stored_per_key_and_refreshed(database: Database) -> None:
    refs = ReferenceStore(database.sessions)
    await refs.save({"serviceUrl": "https://one/"}, ["a:chat", "29:user", "29:user", ""])
    await refs.save({"serviceUrl": "https://two/"}, ["29:user"])
    assert await refs.get("a:chat") == {"serviceUrl": "https://one/"}
    assert await refs.get("29:user") == {"serviceUrl": "https://two/"}
    assert await refs.get("missing") is None
    assert await refs.latest() == {"serviceUrl": "https://two/"}


def test_personal_chat_reference_is_keyed_by_chat_and_both_user_ids() -> None:
    reference, keys = reference_of(activity("message_personal"))
    assert keys == ["a:1PersonalConvId", "a:1PersonalConvId", "29:1CustomerAbc",
                    "0a1b2c3d-1111-2222-3333-444455556666"]  # fmt: skip
    assert reference["conversation"]["tenantID"] == TENANT  # from channelData.tenant
    assert reference["serviceUrl"] == "https://smba.trafficmanager.net/jp/"
    assert "activityId" not in reference


def test_channel_reference_is_keyed_by_thread_and_channel_never_by_user() -> None:
    _reference, keys = reference_of(activity("message_channel_mention"))
    assert keys == ["19:support0channel@thread.tacv2;messageid=1763800000000",
                    "19:support0channel@thread.tacv2"]  # fmt: skip
