"""How a title's name is shown, sorted and compared.

Feeds such as MovieLens file a name under its noun, with the article moved to the end
("American President, The", "Quatre cents coups, Les"): people read it with the article in
front, and lists sort it without one."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["display_title", "normal_title", "sort_title"]

# The articles feeds move to the end, per language (en, fr, it, es, pt, de, nl, sv/da/no);
# one-letter or English-looking ones ("I", "O", "As", "De") are left out: "Me, I" is a name.
_ARTICLES = ("The", "A", "An", "Les", "Le", "La", "L'", "Un", "Une", "Il", "Lo", "Gli", "Los",
             "Las", "El", "Os", "Das", "Der", "Die", "Ein", "Eine", "Het", "Den", "Det")
_ARTICLE_AT_END = re.compile(
    r"^(?P<rest>.+), (?P<article>" + "|".join(re.escape(a) for a in _ARTICLES) + r")$",
    re.IGNORECASE)
# In front, only English articles are taken for articles: "Die Hard" and "O Brother" are not.
_ENGLISH_IN_FRONT = re.compile(r"^(?:The|A|An)\s(?P<rest>\S.*)$", re.IGNORECASE)


def display_title(name: str) -> str:
    """ "American President, The" -> "The American President"; "L'" joins without a space."""
    name = name.strip()
    match = _ARTICLE_AT_END.match(name)
    if not match:
        return name
    article = match["article"]
    joiner = "" if article.endswith("'") else " "
    return f"{article}{joiner}{match['rest']}"


def sort_title(name: str) -> str:
    """The name lists sort by: without its article where the feed marked one (moved to the
    end) or where it is an English one in front."""
    name = name.strip()
    marked = _ARTICLE_AT_END.match(name)
    if marked:
        return marked["rest"]
    match = _ENGLISH_IN_FRONT.match(name)
    return match["rest"] if match else name


def normal_title(title: str) -> str:
    """The name as matched against others: "Matrix, The (1999)" and "the matrix" both become
    "matrix"."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r",\s*(?:the|a|an)\s*$", "", text.strip())
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip())
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())
