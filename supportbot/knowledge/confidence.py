"""When is a search result good enough to show? "A wrong article is worse than none."

Scores are calibrated (see `ranker`): the same number means about the same thing whatever the
question. The threshold below was chosen on the labelled evaluation set in
`tests/knowledge/eval/` (questions customers write, and off-topic ones): it is the lowest value
at which no off-topic question in either language yields a result, with some margin. The
benchmark (`python -m bench.knowledge`) prints how many right answers it keeps.
"""

from __future__ import annotations

from collections.abc import Sequence

from supportbot.knowledge.index import Hit

DEFAULT_THRESHOLD = 0.2
# Beside the best hit, another is worth showing only when it is nearly as good: a list of
# five "maybe" articles buries the one that answers.
RELATIVE = 0.6


def confident(hits: Sequence[Hit], threshold: float = DEFAULT_THRESHOLD) -> tuple[Hit, ...]:
    """The hits that score at least `threshold` and at least `RELATIVE` of the best one, best
    first; empty means: say nothing."""
    if not hits:
        return ()
    floor = max(threshold, RELATIVE * max(h.score for h in hits))
    return tuple(h for h in hits if h.score >= floor)
