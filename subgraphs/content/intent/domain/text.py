"""The query as rules consume it: each slot a rule takes is blanked, so no later rule matches
it twice, and what is left at the end is the text search matches."""

from __future__ import annotations

import re

from subgraphs.content.intent.domain.words import ARTICLES, EDGE_WORDS, FILLER

__all__ = ["QueryText"]


class QueryText:
    """The query with consumed spans blanked, so later rules never match them twice."""

    GAP = "\x1f"

    def __init__(self, query: str) -> None:
        self.value = query
        # Words a rule consumed but search should still see ("gory" in "not gory").
        self.kept: list[str] = []

    def take(self, start: int, end: int) -> None:
        self.value = self.value[:start] + self.GAP * (end - start) + self.value[end:]

    def finditer(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        return list(pattern.finditer(self.value))

    def left(self) -> str:
        fragments = []
        for index, fragment in enumerate(self.value.split(self.GAP)):
            words = FILLER.sub(" ", fragment).split()
            # A leading article stays at the very start ("the godfather" is a title); after a
            # consumed slot ("for a rainy day") it is noise.
            untouched = index == 0 and fragment.strip() == fragment.strip(self.GAP).strip() and (
                not fragment[:1].isspace())
            edge = EDGE_WORDS - ARTICLES if untouched else EDGE_WORDS
            while words and words[0].lower().strip(".,;:!?'\"") in edge:
                words.pop(0)
            while words and words[-1].lower().strip(".,;:!?'\"") in EDGE_WORDS:
                words.pop()
            text = " ".join(words).strip(" .,;:!?-\"'")
            if text:
                fragments.append(text)
        return " ".join([*fragments, *self.kept])
