"""How a Czech letter greets a person: "Dobrý den, pane Nováku," / "Dobrý den, paní Svobodová,".

Pure functions, no database. A man is addressed with the vocative (5th case) of his surname,
a woman with her surname unchanged (feminine surnames do not decline in the vocative). Where
the gender or the vocative cannot be told reliably from the name, the greeting is the neutral
"Dobrý den," — a wrong form offends more than no name at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NEUTRAL_GREETING = "Dobrý den,"

MASCULINE = "m"
FEMININE = "f"

# Feminine first names that do not end in -a/-e, and masculine ones that do.
_FEMININE_FIRST_NAMES = frozenset(
    {
        "dagmar", "ester", "miriam", "ingrid", "karin", "carmen", "noemi", "ruth", "edith",
        "judit", "rút", "agnes", "ivett", "yvett", "margit", "nikol", "elen", "ellen", "lilian",
        "doris", "iris", "beatrix", "marion", "kim",
    }
)  # fmt: skip
_MASCULINE_FIRST_NAMES_IN_A_OR_E = frozenset(
    {
        "jirka", "honza", "béďa", "kuba", "ilja", "luca", "rené", "josué", "láďa",
        "vláďa",
    }
)  # fmt: skip
# First names used for either gender: no guess from them.
_AMBIGUOUS_FIRST_NAMES = frozenset(
    {"nikola", "saša", "míša", "andrea", "kim", "sáva", "toma", "jindra", "míla", "jožka"}
)

_SOFT_CONSONANTS = "žščřcjďťňß"
_HARD_TAIL_TO_U = ("k", "h", "g", "ch")
_CONSONANT_PLUS_E = "dtnbpvmfl"
_VOWELS = "aáeéěiíoóuúůyý"
_SOFTEN_BEFORE_EK = {"n": "ň", "d": "ď", "t": "ť"}
# Tokens that are degrees or titles, not names ("Ing.", "Ph.D.", "MBA").
_TITLE = re.compile(r"^(?:[^\W\d_]{1,6}\.)+$|^(?:MBA|DiS|LL\.?M|MPA|BBA|CSc|DrSc)\.?$", re.I)


@dataclass(frozen=True)
class Name:
    first: str
    surname: str


def name_split(full_name: str) -> Name | None:
    """ "Ing. Jan Novák, Ph.D." → Name("Jan", "Novák"); None for a single word or nothing."""
    text = full_name.split(",")[0]
    tokens = [t for t in text.split() if t and not _TITLE.match(t)]
    if len(tokens) < 2:
        return None if not tokens else Name(first="", surname=_normal_case(tokens[0]))
    return Name(first=_normal_case(tokens[0]), surname=_normal_case(tokens[-1]))


def _normal_case(token: str) -> str:
    """ "NOVÁK" → "Novák" (a form in capitals); "McDonald" stays."""
    if token.isupper() and len(token) > 1:
        return "-".join(part.capitalize() for part in token.split("-"))
    return token


def first_name_gender(first: str) -> str | None:
    """ "Marie" → f, "Jan" → m, "Nikola" → None (either), "" → None."""
    name = first.lower()
    if not name or name in _AMBIGUOUS_FIRST_NAMES:
        return None
    if name in _FEMININE_FIRST_NAMES:
        return FEMININE
    if name in _MASCULINE_FIRST_NAMES_IN_A_OR_E:
        return MASCULINE
    if name.endswith(("a", "e", "ie")):
        return FEMININE
    if name[-1] in _VOWELS and name[-1] not in "íi":
        return None  # -o, -u, -y, -é…: foreign or a nickname
    return MASCULINE


def gender(name: Name) -> str | None:
    """The gender a greeting may assume, or None when uncertain.

    -ová is feminine whatever the first name; otherwise the first name decides, and a surname
    that contradicts it (a man "Jan Nováková", a woman "Jana Novák" is fine: foreign) makes it
    uncertain only in the first case."""
    surname = name.surname.lower()
    by_first = first_name_gender(name.first)
    if surname.endswith("ová"):
        return FEMININE if by_first in (FEMININE, None) else None
    if by_first is not None:
        if by_first == MASCULINE and surname.endswith("á"):
            return None  # "Petr Skála" is a man, "Petr Černá" a typo: do not guess
        return by_first
    if surname.endswith(("ský", "cký", "ý")):
        return MASCULINE
    return None


def surname_vocative(surname: str) -> str | None:
    """The vocative of a man's surname where the rule is reliable, else None.

    Novák → Nováku, Hájek → Hájku, Vaněk → Vaňku, Svoboda → Svobodo, Beneš → Beneši,
    Král → Krále, Černý → Černý, Krejčí → Krejčí; Němec, Havel (a fleeting e that not every
    bearer drops) → None."""
    if "-" in surname or len(surname) < 3 or not surname.isalpha():
        return None
    lower = surname.lower()
    last = lower[-1]
    if last in "ýí":
        return surname  # adjectival: Černý, Krejčí
    if lower.endswith(("ec", "el", "ev")):
        return None  # Němec/Kadlec, Havel/Kučel: Němče? Kadleci? Havle? — not reliable
    if lower.endswith("ěk"):
        before = lower[-3]
        if before not in _SOFTEN_BEFORE_EK:
            return None
        return surname[:-3] + _match_case(_SOFTEN_BEFORE_EK[before], surname[-3]) + "ku"
    if lower.endswith("ek"):
        if len(lower) < 4 or lower[-3] in _VOWELS:
            return None
        return surname[:-2] + "ku"  # Hájek → Hájku, Dvořáček → Dvořáčku
    if last == "a":
        if lower.endswith(("ia", "ea", "oa", "ua")):
            return None
        return surname[:-1] + "o"  # Svoboda → Svobodo
    if lower.endswith(_HARD_TAIL_TO_U):
        return surname + "u"  # Novák → Nováku, Mach → Machu
    if last in _SOFT_CONSONANTS:
        return surname + "i"  # Beneš → Beneši, Kolář → Koláři
    if last == "r":
        if lower[-2] in _VOWELS:
            return surname + "e"  # Mayer → Mayere
        return surname[:-1] + "ře"  # Petr → Petře
    if last in _CONSONANT_PLUS_E:
        return surname + "e"  # Král → Krále, Zeman → Zemane
    return None  # -o, -u, -s, -z, -x, foreign endings: no reliable rule


def _match_case(letter: str, like: str) -> str:
    return letter.upper() if like.isupper() else letter


def greeting(full_name: str, *, is_person: bool = True) -> str:
    """ "Dobrý den, pane Nováku," / "Dobrý den, paní Svobodová," / "Dobrý den,"."""
    if not is_person:
        return NEUTRAL_GREETING
    name = name_split(full_name)
    if name is None:
        return NEUTRAL_GREETING
    if not name.first and not name.surname.lower().endswith("ová"):
        return NEUTRAL_GREETING
    who = gender(name)
    if who == FEMININE:
        return f"Dobrý den, paní {name.surname},"
    if who == MASCULINE:
        vocative = surname_vocative(name.surname)
        if vocative:
            return f"Dobrý den, pane {vocative},"
    return NEUTRAL_GREETING


# Greeting lines in a text: the reply's first line that only greets.
GREETING_LINE = re.compile(
    r"^\s*(?:dobrý\s+den|dobré\s+(?:ráno|odpoledne)|dobrý\s+večer|vážen[áýé]\b|zdravím)"
    r"[^\n]{0,80}?[,!.]?[ \t]*(?:\n|$)",
    re.IGNORECASE,
)


def greeting_strip(text: str) -> str:
    """The text without its opening greeting line and the blank lines after it: for a second
    canned answer added to a reply that already greets."""
    match = GREETING_LINE.match(text)
    if not match:
        return text
    return text[match.end() :].lstrip("\n")


def has_greeting(text: str) -> bool:
    return bool(GREETING_LINE.match(text))
