"""`/support email #1 address`: a Slack ticket moves to mail. The first mail summarises the
chat, the customer's reply by mail lands in the ticket's Slack thread, and the agent's next
`reply:` leaves as a mail in the same thread. Refusals are sentences, in the agent's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.slack.kit import MockSlackApi

from .desk import MailDesk, start_mail_desk
from .kit import SUPPORT, CapturingRelay, mail, wait_for


@pytest.fixture
async def desk(
    slack_api: MockSlackApi, relay: CapturingRelay, aiohttp_client: Any, tmp_path: Path
) -> MailDesk:
    return await start_mail_desk(
        aiohttp_client,
        slack_api,
        relay,
        tmp_path,
        env={"EMAIL_ALLOWED_DOMAINS": "customer.example"},
    )


async def chat_ticket(desk: MailDesk) -> Any:
    text = "Invoices page fails &lt;b&gt;today&lt;/b&gt; *urgent* <!channel>"  # Slack's wire form
    assert await desk.slack_customer_writes(text) == 200
    (card,) = await wait_for(desk.cards)
    assert (
        await desk.slack_thread_reply(card.answer["ts"], "reply: Which browser do you use?") == 200
    )
    await wait_for(
        lambda: [c for c in desk.api.named("chat.postMessage") if "browser" in str(c.args)]
    )
    return card


async def test_a_slack_ticket_moves_to_mail_and_the_reply_comes_back(desk: MailDesk) -> None:
    card = await chat_ticket(desk)
    assert await desk.slash("email #1 <mailto:dana@customer.example|dana@customer.example>") == 200
    (first,) = await wait_for(lambda: desk.relay.mails)
    assert first.recipients == ["dana@customer.example"]
    headers = first.message
    assert headers["From"] == f"Acme Support <{SUPPORT}>"
    assert str(headers["Subject"]).startswith("[#1] Invoices page fails")
    assert "In-Reply-To" not in headers  # it opens the thread
    body = first.text()
    assert "Which browser do you use?" in body  # the agent's reply, summarised
    assert "Invoices page fails <b>today</b> *urgent*" in body  # as written, plain text
    assert "<!channel>" not in body and "@channel" in body  # a ping became text
    assert body.index("Invoices page fails") < body.index("Which browser")  # in order
    note = await wait_for(
        lambda: [
            c
            for c in desk.in_thread(card.answer["ts"])
            if "moved the conversation" in c.args["text"]
        ]
    )
    assert "dana@customer.example" in note[0].args["text"]

    answer = mail(
        subject=f"Re: {headers['Subject']}",
        body="Firefox 128, on Windows.\n\n> Which browser do you use?\n",
        message_id="<dana-answer@mail.customer.example>",
        headers={"In-Reply-To": headers["Message-ID"], "References": headers["Message-ID"]},
    )
    assert await desk.mail_in(answer) == (250, "OK")
    await wait_for(
        lambda: [c for c in desk.in_thread(card.answer["ts"]) if "Firefox 128" in c.args["text"]]
    )
    assert len(desk.cards()) == 1  # the same ticket

    assert await desk.slack_thread_reply(card.answer["ts"], "reply: Please clear the cache.") == 200
    second = (await wait_for(lambda: desk.relay.mails[1:]))[0]
    assert second.recipients == ["dana@customer.example"]
    assert second.message["In-Reply-To"] == "<dana-answer@mail.customer.example>"
    assert str(second.message["References"]).split()[0] == headers["Message-ID"]  # the root
    assert "Please clear the cache." in second.text()
    shared = [c for c in desk.api.named("chat.postMessage") if c.args["channel"] == "C0ACMESHARED"]
    assert not [c for c in shared if "clear the cache" in str(c.args)]  # not to the old thread


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("email #1 not-an-address", "is not an e-mail address"),
        ("email #1 eve@elsewhere.example", "Mail to elsewhere.example is not allowed"),
        ("email #1", "Usage: `/support email #number address`"),
    ],
)
async def test_refusals_are_sentences(desk: MailDesk, text: str, says: str) -> None:
    await chat_ticket(desk)
    assert await desk.slash(text) == 200
    await wait_for(lambda: [t for t in desk.private() if says in t])
    assert desk.relay.mails == []


async def test_a_ticket_already_on_mail_is_refused(desk: MailDesk) -> None:
    await chat_ticket(desk)
    assert await desk.slash("email #1 dana@customer.example") == 200
    await wait_for(lambda: desk.relay.mails)
    assert await desk.slash("email #1 dana@customer.example") == 200
    await wait_for(lambda: [t for t in desk.private() if "is already on e-mail" in t])
    assert len(desk.relay.mails) == 1


async def test_a_customer_cannot_move_a_ticket(desk: MailDesk) -> None:
    await chat_ticket(desk)
    assert await desk.slash("email #1 dana@customer.example", user="U0CUSTOMER1") == 200
    (told,) = await wait_for(lambda: desk.private("U0CUSTOMER1"))
    assert "Only support staff" in told
    assert desk.relay.mails == []


async def test_a_japanese_agent_is_refused_in_japanese(
    slack_api: MockSlackApi, relay: CapturingRelay, aiohttp_client: Any, tmp_path: Path
) -> None:
    from tests.slack.e2e import desk_config

    people = [{**p, "locale": "ja"} for p in desk_config(tmp_path).model_dump()["people"]]
    desk = await start_mail_desk(aiohttp_client, slack_api, relay, tmp_path, people=people)
    await chat_ticket(desk)
    assert await desk.slash("email #1 dana@") == 200
    await wait_for(lambda: [t for t in desk.private() if "はメールアドレスではありません" in t])


async def test_a_resolved_ticket_is_refused_and_help_lists_the_command(desk: MailDesk) -> None:
    await chat_ticket(desk)
    assert await desk.slash("resolve #1") == 200
    assert await desk.slash("email #1 dana@customer.example") == 200
    await wait_for(lambda: [t for t in desk.private() if "#1 is resolved: reopen it first" in t])
    assert await desk.slash("help") == 200
    await wait_for(lambda: [t for t in desk.private() if "email #number address" in t])
    assert desk.relay.mails == []


async def test_in_the_cards_thread_the_number_may_be_left_out(desk: MailDesk) -> None:
    card = await chat_ticket(desk)
    text = "<@U0BOT> email <mailto:dana@customer.example|dana@customer.example>"
    assert await desk.slack_thread_reply(card.answer["ts"], text, kind="app_mention") == 200
    (first,) = await wait_for(lambda: desk.relay.mails)
    assert first.recipients == ["dana@customer.example"]
    assert str(first.message["Subject"]).startswith("[#1] ")
