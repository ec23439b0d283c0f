"""Write tests/data/search_relevance.jsonl: labelled search queries over MovieLens-100K.

Run once (`.venv/bin/python -m benchmarks.search_relevance_set`); the file is committed.
Each line: {"query", "kind", "relevant": [MovieLens titles]}. Kinds:
- known / typo / partial: the one title meant (typed exactly, misspelled, or in part);
- attribute: every title meeting the stated genres (all of them) and years;
- like: titles similar to a named one, by rule: share at least two of its genres (or all of
  them if it has fewer), released within 10 years of it, plus its franchise (hand-listed).
The rules make the labels reproducible; they are ours, not a published benchmark.
"""

from __future__ import annotations

import json
from pathlib import Path

from mediagateway.movielens import MovieLens

__all__ = ["build"]

OUT = Path(__file__).parents[1] / "tests" / "data" / "search_relevance.jsonl"

KNOWN = ["Star Wars", "Contact", "Fargo", "Scream", "Toy Story", "Air Force One", "Pulp Fiction",
         "Twelve Monkeys", "Jerry Maguire", "Titanic", "Forrest Gump", "Men in Black",
         "Braveheart", "Twister", "Alien", "Jaws", "Groundhog Day", "Amadeus", "Apollo 13",
         "Jurassic Park", "Evita", "Trainspotting", "Casablanca", "Psycho", "Speed", "Heat",
         "Aladdin", "Babe", "Batman", "Vertigo"]
# (query, intended MovieLens title)
TYPOS = [
    ("toy stroy", "Toy Story"), ("pulp fction", "Pulp Fiction"), ("jurasic park", "Jurassic Park"),
    ("blade runer", "Blade Runner"), ("godfater", "Godfather, The"),
    ("shawshank redemtion", "Shawshank Redemption, The"), ("forest gump", "Forrest Gump"),
    ("braveheat", "Braveheart"), ("titanik", "Titanic"), ("terminater", "Terminator, The"),
    ("independance day", "Independence Day (ID4)"), ("the usual suspect", "Usual Suspects, The"),
    ("silence of the lamb", "Silence of the Lambs, The"), ("raiders of the lost arc",
                                                            "Raiders of the Lost Ark"),
    ("back to the futur", "Back to the Future"), ("apolo 13", "Apollo 13"),
    ("schindlers list", "Schindler's List"), ("goodfelas", "GoodFellas"),
    ("casablance", "Casablanca"), ("the princes bride", "Princess Bride, The"),
    ("willy wonka and the chocolate factry", "Willy Wonka and the Chocolate Factory"),
    ("fargoo", "Fargo"), ("men in blak", "Men in Black"), ("empire strikes bak",
                                                           "Empire Strikes Back, The"),
    ("leaving las vagas", "Leaving Las Vegas"),
]
PARTIAL = [
    ("shawshank", "Shawshank Redemption, The"), ("lost ark", "Raiders of the Lost Ark"),
    ("holy grail", "Monty Python and the Holy Grail"), ("cuckoo's nest",
                                                        "One Flew Over the Cuckoo's Nest"),
    ("judgment day", "Terminator 2: Judgment Day"), ("wrath of khan",
                                                    "Star Trek: The Wrath of Khan"),
    ("last crusade", "Indiana Jones and the Last Crusade"), ("extra-terrestrial",
                                                             "E.T. the Extra-Terrestrial"),
    ("space odyssey", "2001: A Space Odyssey"), ("harry met sally", "When Harry Met Sally..."),
    ("red october", "Hunt for Red October, The"), ("cats & dogs",
                                                   "Truth About Cats & Dogs, The"),
    ("sundance kid", "Butch Cassidy and the Sundance Kid"), ("strangelove",
        "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb"),
    ("spinal tap", "This Is Spinal Tap"),
]
# (query, genres all required, year_from, year_to)
ATTRIBUTE = [
    ("90s animated family movies", ("animation", "family"), 1990, 1999),
    ("sci-fi from the 80s", ("science-fiction",), 1980, 1989),
    ("70s horror", ("horror",), 1970, 1979),
    ("film noir", ("film-noir",), None, None),
    ("westerns from the 60s", ("western",), 1960, 1969),
    ("war movies from the 1990s", ("war",), 1990, 1999),
    ("romantic comedies from the 90s", ("romance", "comedy"), 1990, 1999),
    ("documentaries", ("documentary",), None, None),
    ("musicals before 1970", ("musical",), None, 1969),
    ("crime thrillers from the 90s", ("crime", "thriller"), 1990, 1999),
    ("animated musicals", ("animation", "musical"), None, None),
    ("sci-fi action from the 90s", ("science-fiction", "action"), 1990, 1999),
    ("mystery thriller", ("mystery", "thriller"), None, None),
    ("fantasy adventure", ("fantasy", "adventure"), None, None),
    ("horror comedy", ("horror", "comedy"), None, None),
    ("action comedies from the 80s", ("action", "comedy"), 1980, 1989),
    ("children's films from 1995", ("family",), 1995, 1995),
    ("old dramas from the 1940s", ("drama",), 1940, 1949),
    ("war dramas", ("war", "drama"), None, None),
    ("sci-fi horror", ("science-fiction", "horror"), None, None),
    ("romantic dramas from the 1940s", ("romance", "drama"), 1940, 1949),
    ("comedies from 1997", ("comedy",), 1997, 1997),
    ("adventure films from the 70s", ("adventure",), 1970, 1979),
    ("crime dramas from the 70s", ("crime", "drama"), 1970, 1979),
    ("thrillers from 1996", ("thriller",), 1996, 1996),
]
LIKE = [
    ("like Toy Story", "Toy Story", ()),
    ("movies like Star Wars", "Star Wars", ("Empire Strikes Back, The", "Return of the Jedi")),
    ("similar to Alien", "Alien", ("Aliens", "Alien 3", "Alien: Resurrection")),
    ("something like Pulp Fiction", "Pulp Fiction", ()),
    ("like The Godfather", "Godfather, The", ("Godfather: Part II, The",)),
    ("if you liked Jurassic Park", "Jurassic Park", ("Lost World: Jurassic Park, The",)),
    ("like Die Hard", "Die Hard", ("Die Hard 2", "Die Hard: With a Vengeance")),
    ("similar to Fargo", "Fargo", ()),
    ("like Sleepless in Seattle", "Sleepless in Seattle", ()),
    ("like The Terminator", "Terminator, The", ("Terminator 2: Judgment Day",)),
    ("movies like Scream", "Scream", ("Scream 2",)),
    ("like Batman", "Batman", ("Batman Returns", "Batman Forever", "Batman & Robin")),
    ("like Aladdin", "Aladdin", ("Aladdin and the King of Thieves",)),
    ("like Casablanca", "Casablanca", ()),
    ("similar to The Shining", "Shining, The", ()),
    ("like Groundhog Day", "Groundhog Day", ()),
    ("like Braveheart", "Braveheart", ()),
    ("like Men in Black", "Men in Black", ()),
    ("like Heat", "Heat", ()),
    ("like Twister", "Twister", ()),
]


def build() -> list[dict[str, object]]:
    items = MovieLens().items
    by_title = {item.title: item for item in items}
    rows: list[dict[str, object]] = []
    for name in KNOWN:
        rows.append({"query": name.lower(), "kind": "known", "relevant": [name]})
    for query, name in TYPOS:
        rows.append({"query": query, "kind": "typo", "relevant": [name]})
    for query, name in PARTIAL:
        rows.append({"query": query, "kind": "partial", "relevant": [name]})
    for query, genres, low, high in ATTRIBUTE:
        relevant = [item.title for item in items
                    if set(genres) <= set(item.genres) and item.year is not None
                    and (low is None or item.year >= low) and (high is None or item.year <= high)]
        rows.append({"query": query, "kind": "attribute", "relevant": sorted(relevant)})
    for query, name, franchise in LIKE:
        ref = by_title[name]
        need = min(2, len(ref.genres))
        relevant = {item.title for item in items
                    if item.title != name and item.year and ref.year
                    and abs(item.year - ref.year) <= 10
                    and len(set(item.genres) & set(ref.genres)) >= need}
        relevant |= {title for title in franchise if title in by_title}
        rows.append({"query": query, "kind": "like", "relevant": sorted(relevant)})
    missing = [t for row in rows for t in row["relevant"] if t not in by_title]  # type: ignore[attr-defined]
    assert not missing, missing
    return rows


if __name__ == "__main__":
    rows = build()
    OUT.write_text("".join(json.dumps(row) + "\n" for row in rows))
    kinds: dict[str, int] = {}
    for row in rows:
        kinds[str(row["kind"])] = kinds.get(str(row["kind"]), 0) + 1
    print(f"{len(rows)} queries -> {OUT}: {kinds}")
