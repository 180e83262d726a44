"""What agents and customers see: neutral messages, every sentence from a template in both
languages, internal articles marked and never sendable."""

from __future__ import annotations

import pytest

from supportbot import markup
from supportbot.knowledge import KnowledgeBase
from supportbot.knowledge.drafter import ArticleDrafter, Draft, DraftRequest, draft_reply
from supportbot.knowledge.views import (
    DISMISS,
    SEND,
    InternalArticleError,
    article_reply,
    draft_message,
    search_results,
    suggestions,
)
from supportbot.templates import PACKAGE_CATALOGS, Templates, load_catalog


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates.from_folders()


def test_every_knowledge_sentence_exists_in_english_and_japanese() -> None:
    sources = load_catalog([PACKAGE_CATALOGS]).sources
    en, ja = ({k for k in sources[loc] if k.startswith("knowledge.")} for loc in ("en", "ja"))
    assert len(en) > 20 and en == ja


def test_suggestions_offer_to_send_public_articles_only(
    starter: KnowledgeBase, templates: Templates
) -> None:
    hits = starter.search("refund a customer", locale="en", limit=4)
    assert {h.article.public for h in hits} == {True, False}  # both kinds in this result
    message = suggestions(templates, hits, number=42, locale="ja")
    assert message.title == "📚 #42 の回答になりそうな記事"
    sendable = {b.value for b in message.buttons if b.action == SEND}
    assert sendable == {f"42:{h.article.id}" for h in hits if h.article.public}
    assert [b.value for b in message.buttons if b.action == DISMISS] == ["42"]
    internal_fields = [f for f, h in zip(message.fields, hits, strict=True) if not h.article.public]
    assert all("担当者専用" in f.value for f in internal_fields)


def test_an_internal_article_cannot_become_a_customer_message(
    starter: KnowledgeBase, templates: Templates
) -> None:
    internal = next(a for a in starter.index.articles if not a.public)
    with pytest.raises(InternalArticleError, match="internal: agents only"):
        article_reply(templates, internal, locale="en")
    public = starter.article("password-reset", "ja")
    assert public is not None
    reply = article_reply(templates, public, locale="ja")
    assert (
        reply.title == "パスワードを再設定する" and "**パスワードをお忘れですか？**" in reply.text
    )
    assert reply.context == ("📚 ヘルプセンターより",)


def test_search_results_and_the_empty_answer_read_in_each_language(
    starter: KnowledgeBase, templates: Templates
) -> None:
    hits = starter.search("<!channel> csv export", locale="en", limit=2)
    found = search_results(templates, "<!channel> csv export", hits, locale="en")
    assert markup.parse(found.title)[0] == markup.Plain(
        "🔎 Help-center articles for “<!channel> csv export”"
    )  # the query is escaped: shown literally, pings nobody
    assert found.fields[0].label.startswith("Export invoices and payments to CSV")
    none = search_results(templates, "ラーメン", (), locale="ja")
    assert none.text == "「ラーメン」に十分に答える記事はありません。"


async def test_the_article_drafter_answers_in_the_requesters_language(
    starter: KnowledgeBase, templates: Templates
) -> None:
    drafter = ArticleDrafter(starter, templates)
    draft = await draft_reply(starter, drafter, question="I forgot my password", locale="ja")
    assert draft is not None and draft.drafter == "article"
    assert [(a.id, a.locale) for a in draft.sources] == [("password-reset", "ja")]
    assert draft.text.startswith("お問い合わせありがとうございます。")
    message = draft_message(templates, draft, number=7, locale="en")
    assert message.title == "✍️ Draft reply for #7"
    assert message.context[0] == "Sources: **パスワードを再設定する**"


async def test_no_confident_source_means_no_draft(
    starter: KnowledgeBase, templates: Templates
) -> None:
    drafter = ArticleDrafter(starter, templates)
    assert await draft_reply(starter, drafter, question="tell me a joke", locale="en") is None
    # a customer draft never stands on an internal article, even when search ranks it first
    policy = "customer on a monthly plan wants a refund, am I allowed to approve it?"
    draft = await draft_reply(starter, drafter, question=policy, locale="en")
    assert draft is None or all(a.public for a in draft.sources)
    internal = tuple(a for a in starter.index.articles if not a.public)
    assert await drafter.draft(DraftRequest("refund policy", "en", internal)) is None


def test_an_ai_draft_names_its_model(templates: Templates, starter: KnowledgeBase) -> None:
    source = starter.article("webhooks", "en")
    assert source is not None
    draft = Draft(markup.escape("Reply 200 first [1]"), (source,), "ai:llama-3")
    message = draft_message(templates, draft, number=3, locale="en")
    assert "Drafted by llama-3 from the sources above only." in message.context
