"""The words intent rules know: genre, mood, country and platform phrases, and filler."""

from __future__ import annotations

import re

__all__ = [
    "AMBIGUOUS_PLATFORMS",
    "ARTICLES",
    "CODE_ALIASES",
    "COUNTRIES",
    "DECADE_WORDS",
    "EDGE_WORDS",
    "FILLER",
    "GENRE_COMBOS",
    "GENRE_SYNONYMS",
    "KINDS",
    "LEADING_FILLER",
    "MOODS",
    "NAME_STOP",
    "NUMBER_WORDS",
    "PLATFORM_SYNONYMS",
]

# Genre slug -> extra phrases meaning it (the slug and display name are added automatically).
GENRE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "action": ("actions", "action movie", "action film"),
    "adventure": ("adventures",),
    "animation": ("animated", "animations", "cartoon", "cartoons", "anime"),
    "comedy": ("comedies", "comedic", "sitcom", "sitcoms", "standup", "stand-up"),
    "crime": ("gangster", "gangsters", "mafia", "mob", "heist", "heists"),
    "documentary": ("documentaries", "doc", "docs", "docuseries", "true story"),
    "drama": ("dramas", "dramatic"),
    "family": ("kids", "kid", "children", "children's", "childrens", "family-friendly",
               "family friendly", "for kids", "for children", "for the family"),
    "fantasy": ("fantasies", "fairy tale", "fairy tales", "magic"),
    "film-noir": ("noir", "film noir", "neo-noir", "neo noir"),
    "horror": ("horrors", "slasher", "slashers", "zombie", "zombies"),
    "musical": ("musicals",),
    "mystery": ("mysteries", "whodunit", "whodunnit", "detective"),
    "romance": ("romances", "romantic", "love story", "love stories"),
    "science-fiction": ("sci-fi", "scifi", "sci fi", "science fiction", "sf", "space opera"),
    "thriller": ("thrillers", "suspense"),
    "war": ("wwii", "ww2", "world war"),
    "western": ("westerns", "cowboy", "cowboys"),
}
# Phrases naming more than one genre.
GENRE_COMBOS: dict[str, tuple[str, ...]] = {
    "rom-com": ("romance", "comedy"), "romcom": ("romance", "comedy"),
    "rom com": ("romance", "comedy"), "romantic comedy": ("romance", "comedy"),
    "romantic comedies": ("romance", "comedy"), "rom-coms": ("romance", "comedy"),
    "romcoms": ("romance", "comedy"), "dramedy": ("comedy", "drama"),
    "action comedy": ("action", "comedy"), "horror comedy": ("horror", "comedy"),
    "space western": ("science-fiction", "western"),
}

# Mood -> (phrases, genres it implies). Moods with no clear genre only shape the vector query.
MOODS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dark": (("dark", "darker", "gritty", "bleak", "grim", "noirish", "disturbing"), ()),
    "funny": (("funny", "funnier", "hilarious", "lighthearted", "light-hearted", "silly",
               "laugh", "laughs", "goofy"), ("comedy",)),
    "scary": (("scary", "scarier", "creepy", "terrifying", "spooky", "frightening", "chilling"),
              ("horror",)),
    "feel-good": (("feel-good", "feel good", "feelgood", "uplifting", "heartwarming",
                   "heart-warming", "wholesome", "cheerful", "happy"), ()),
    "sad": (("sad", "tearjerker", "tear-jerker", "emotional", "moving", "heartbreaking",
             "melancholic", "depressing"), ("drama",)),
    "tense": (("tense", "suspenseful", "gripping", "edge of my seat", "edge-of-your-seat",
               "nail-biting", "thrilling"), ("thriller",)),
    "exciting": (("action-packed", "action packed", "explosive", "adrenaline", "exciting",
                  "fast-paced", "fast paced"), ("action",)),
    "mind-bending": (("mind-bending", "mind bending", "mindbending", "thought-provoking",
                      "thought provoking", "cerebral", "trippy", "twisty", "philosophical"), ()),
    "epic": (("epic", "sweeping", "grand"), ("adventure",)),
    "cozy": (("cozy", "cosy", "relaxing", "chill", "comforting", "calm"), ()),
    "violent": (("violent", "brutal", "bloody", "gory"), ()),
    "quirky": (("quirky", "weird", "offbeat", "bizarre", "surreal", "absurd"), ()),
    "inspiring": (("inspiring", "inspirational", "motivational"), ("drama",)),
    "romantic": (("swoony", "sweet"), ("romance",)),
    "mysterious": (("mysterious", "puzzling", "enigmatic"), ("mystery",)),
}

# ISO 3166-1 alpha-2 -> names and adjectives people use for it.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "US": ("united states", "united states of america", "usa", "u.s.", "u.s.a.", "america",
           "the states", "american"),
    "GB": ("united kingdom", "uk", "u.k.", "britain", "great britain", "england", "scotland",
           "wales", "british", "english"),
    "DE": ("germany", "german", "deutschland"),
    "FR": ("france", "french"),
    "JP": ("japan", "japanese"),
    "ES": ("spain", "spanish"),
    "IT": ("italy", "italian"),
    "NL": ("netherlands", "the netherlands", "holland", "dutch"),
    "BE": ("belgium", "belgian"),
    "AT": ("austria", "austrian"),
    "CH": ("switzerland", "swiss"),
    "IE": ("ireland", "irish"),
    "PT": ("portugal", "portuguese"),
    "SE": ("sweden", "swedish"),
    "NO": ("norway", "norwegian"),
    "DK": ("denmark", "danish"),
    "FI": ("finland", "finnish"),
    "PL": ("poland", "polish"),
    "CZ": ("czechia", "czech republic", "czech"),
    "GR": ("greece", "greek"),
    "TR": ("turkey", "turkish"),
    "CA": ("canada", "canadian"),
    "MX": ("mexico", "mexican"),
    "BR": ("brazil", "brazilian"),
    "AR": ("argentina", "argentinian", "argentine"),
    "CL": ("chile", "chilean"),
    "CO": ("colombia", "colombian"),
    "AU": ("australia", "australian", "aussie"),
    "NZ": ("new zealand",),
    "IN": ("india", "indian"),
    "KR": ("south korea", "korea", "korean", "south korean"),
    "CN": ("china", "chinese"),
    "TW": ("taiwan", "taiwanese"),
    "HK": ("hong kong",),
    "SG": ("singapore",),
    "ID": ("indonesia", "indonesian"),
    "PH": ("philippines", "the philippines", "filipino"),
    "TH": ("thailand", "thai"),
    "ZA": ("south africa", "south african"),
    "NG": ("nigeria", "nigerian"),
    "EG": ("egypt", "egyptian"),
    "IL": ("israel", "israeli"),
    "AE": ("united arab emirates", "uae", "emirati"),
    "SA": ("saudi arabia", "saudi"),
    "RU": ("russia", "russian"),
    "UA": ("ukraine", "ukrainian"),
    "HU": ("hungary", "hungarian"),
    "RO": ("romania", "romanian"),
}
# Lower-case codes that are also English words or too short to trust outside a platform name.
CODE_ALIASES = {"uk": "GB", "usa": "US", "us": "US", "de": "DE", "fr": "FR", "jp": "JP",
                "gb": "GB", "ca": "CA", "au": "AU", "es": "ES", "it": "IT", "nl": "NL",
                "br": "BR", "mx": "MX", "kr": "KR"}

# Platform slug -> extra names for it; AMBIGUOUS_PLATFORMS count only after "on"/"via".
PLATFORM_SYNONYMS: dict[str, tuple[str, ...]] = {
    "netflix": ("netflix",),
    "prime_video": ("amazon prime video", "amazon prime", "amazon video", "prime video",
                    "amazon", "prime"),
    "disney_plus": ("disney plus", "disney+", "disneyplus", "disney"),
    "hulu": ("hulu",),
    "apple_tv_plus": ("apple tv+", "apple tv plus", "apple tv", "appletv", "apple"),
    "max": ("hbo max", "hbomax", "hbo", "max"),
    "peacock": ("peacock",),
    "paramount_plus": ("paramount+", "paramount plus", "paramount"),
    "youtube": ("youtube", "you tube", "yt"),
    "bbc_iplayer": ("bbc iplayer", "iplayer", "bbc"),
}
AMBIGUOUS_PLATFORMS = {"max", "apple", "prime", "disney", "amazon", "paramount", "yt", "bbc",
                       "hbo"}

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "half an": 0.5,
                "half a": 0.5}
DECADE_WORDS = {"twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950,
                "sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990,
                "noughties": 2000, "two thousands": 2000, "aughts": 2000, "twenty tens": 2010}

KINDS = {
    "series": ("tv series", "tv shows", "tv show", "series", "shows", "miniseries",
               "mini-series", "sitcom", "sitcoms", "docuseries", "tv"),
    "movie": ("movies", "movie", "films", "film", "flicks", "flick", "feature films"),
}


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words left at the edge of a text fragment once slots are cut out; they carry no meaning alone.
EDGE_WORDS = _word_set(
    "a an the and or but on in at from with without to for of by that which who are is be "
    "some any me my i we you something anything stuff please available streaming stream "
    "watch to watch find show give recommend suggest looking want need like around about "
    "released made set only just also kind sort type good"
)
ARTICLES = _word_set("a an the")
# Request phrases that never belong to the searched text.
FILLER = re.compile(
    r"\b(?:(?:can you |could you )?(?:please )?(?:show|find|give|get|recommend|suggest)(?: me)?"
    r"|i(?:'m| am) (?:looking for|in the mood for)|looking for|in the mood for"
    r"|i(?: want| wanna| would like|'d like| need) (?:to (?:watch|see) )?"
    r"|what(?:'s| is| are) (?:some )?"
    r"|where (?:can i|to) (?:watch|stream)|what (?:can|should) (?:i|we) (?:watch|see)"
    r"|(?:something|anything) (?:to watch)?"
    r"|to watch|to stream|tonight|please)\b",
    re.IGNORECASE,
)

LEADING_FILLER = re.compile(rf"^(?:\s*(?:{FILLER.pattern}))+\s*", re.IGNORECASE)
# Words that end a person's name ("starring Tom Hanks and ...").
NAME_STOP = _word_set(
    "and or but on in from with without for to under over before after since the a an that "
    "which who set about like similar movies movie films film shows show series is are"
)
