"""The knowledge base: help-center articles in Markdown, searched in English and Japanese.

`KnowledgeBase` loads a folder of articles (validated, hot-reloaded like workflows), answers
`search(...)` with calibrated scores, and `suggest(...)` only when confident. `views` builds the
neutral messages (suggestions, drafts, search results); `drafter` drafts replies from articles,
optionally through an OpenAI-compatible chat API. `feature` is the plug-in that brings it to
the desk (self-service, suggested replies, `/support kb`); it changes tickets only through the
ticket service.
"""

from supportbot.knowledge.article import Article, Audience, Locale
from supportbot.knowledge.base import KnowledgeBase, KnowledgeError, ReloadResult
from supportbot.knowledge.confidence import DEFAULT_THRESHOLD, confident
from supportbot.knowledge.index import Hit

__all__ = [
    "DEFAULT_THRESHOLD",
    "Article",
    "Audience",
    "Hit",
    "KnowledgeBase",
    "KnowledgeError",
    "Locale",
    "ReloadResult",
    "confident",
]
