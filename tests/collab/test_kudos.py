"""Shout-outs: `/support kudos`, no self-kudos, a daily limit, and the leaderboard."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from supportbot.config import Config
from supportbot.store.models import KudosAward
from supportbot.testing import DeskHarness
from tests.collab.conftest import desk, posts, texts


def _private(h: DeskHarness, user: str) -> str:
    return h.chat.ephemerals(user)[-1].message.text


async def test_kudos_post_a_shout_out_and_record_points(config: Config, tmp_path: Path) -> None:
    async with desk(config, tmp_path) as h:
        await h.command("ben", "kudos @aiko Great catch on the refund bug")
        shout = texts(posts(h, kind="shoutout", channel="kudos"))
        assert shout == [
            "🎉 <@person:ben> gives kudos to <@person:aiko>: Great catch on the refund bug"
        ]
        assert "Kudos sent to Aiko Tanaka" in _private(h, "ben")
        async with h.desk.db.sessions() as s:
            award = (await s.scalars(select(KudosAward))).one()
        assert (award.points, award.reason) == (1, "Great catch on the refund bug")


async def test_no_self_kudos_and_a_daily_limit(config: Config, tmp_path: Path) -> None:
    async with desk(config, tmp_path) as h:
        await h.command("ben", "kudos @ben I am great")
        assert "cannot give yourself kudos" in _private(h, "ben")
        for n in range(5):  # config: kudos.daily_limit 5
            await h.command("ben", f"kudos @aiko thanks #{n}")
        assert len(posts(h, kind="shoutout")) == 5
        await h.command("ben", "kudos @lena one more")
        assert "5 kudos today" in _private(h, "ben")
        assert len(posts(h, kind="shoutout")) == 5
        await h.command("aiko", "kudos @lena 助かりました")  # the limit is per giver
        assert len(posts(h, kind="shoutout")) == 6
        h.clock.advance(timedelta(hours=15))  # past midnight in Tokyo: a new day
        await h.command("ben", "kudos @lena one more")
        assert len(posts(h, kind="shoutout")) == 7


async def test_customers_cannot_give_kudos(config: Config, tmp_path: Path) -> None:
    async with desk(config, tmp_path) as h:
        await h.command("cust1", "kudos @aiko you rock")
        assert "Only support staff" in _private(h, "cust1")
        assert not posts(h, kind="shoutout")


async def test_leaderboard_ranks_by_points_and_says_what_for(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        for giver in ("aiko", "lena", "adam"):
            await h.command(giver, f"kudos @ben refund help from {giver}")
        h.clock.advance(timedelta(days=10))
        await h.command("aiko", "kudos @lena calm escalation")
        await h.command("ben", "kudos @lena night shift")
        await h.command("lena", "kudos @aiko Japanese replies")

        await h.command("adam", "leaderboard")
        week = h.chat.ephemerals("adam")[-1].message
        lines = week.text.splitlines()
        assert "last 7 days" in week.title and len(lines) == 2
        assert lines[0].startswith("1. **Lena Fischer**: 2 points")
        assert "night shift" in lines[0] and "calm escalation" in lines[0]
        assert lines[1].startswith("2. **Aiko Tanaka**: 1 point ")

        await h.command("adam", "leaderboard month")
        month = h.chat.ephemerals("adam")[-1].message.text.splitlines()
        assert [line.split("**")[1] for line in month] == [
            "Ben Carter",
            "Lena Fischer",
            "Aiko Tanaka",
        ]


async def test_people_are_named_by_name_in_reasons_never_by_id(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        # a platform mention inside the reason (Slack `<@U…>`, Teams `<@29:…>`, here the chat's)
        await h.command("ben", "kudos @aiko thanks for covering for <@lena> tonight")
        shout = texts(posts(h, kind="shoutout", channel="kudos"))
        assert shout == [
            "🎉 <@person:ben> gives kudos to <@person:aiko>: thanks for covering for"
            " <@person:lena> tonight"
        ]  # mentions: each platform shows them natively
        async with h.desk.db.sessions() as s:
            award = (await s.scalars(select(KudosAward))).one()
        assert award.reason == "thanks for covering for Lena Fischer tonight"
        await h.command("adam", "leaderboard")
        (line,) = h.chat.ephemerals("adam")[-1].message.text.splitlines()
        assert "Lena Fischer tonight" in line and "@" not in line and "<" not in line


def test_a_shout_outs_reason_names_people() -> None:
    from supportbot import markup
    from supportbot.collab.kudos import named

    class People:
        def display_name(self, person: str) -> str:
            return {"agent1": "Yui Tanaka"}.get(person, person)

    class Desk:
        people = People()

    text = f"⭐ {markup.mention('agent1')} earned 5 stars on **#1** (+3)."
    assert named(Desk(), text) == "⭐ Yui Tanaka earned 5 stars on #1 (+3)."  # type: ignore[arg-type]
