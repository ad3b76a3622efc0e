"""The Czech salutation: vocative of men's surnames, gender from the name, neutral otherwise."""

import pytest

from vik.contacts.salutation import (
    NEUTRAL_GREETING,
    greeting,
    greeting_strip,
    has_greeting,
    surname_vocative,
)


@pytest.mark.parametrize(
    ("surname", "vocative"),
    [
        ("Novák", "Nováku"),
        ("Dvořák", "Dvořáku"),
        ("Pavlík", "Pavlíku"),
        ("Vlk", "Vlku"),
        ("Mach", "Machu"),
        ("Hájek", "Hájku"),
        ("Marek", "Marku"),
        ("Dvořáček", "Dvořáčku"),
        ("Jelínek", "Jelínku"),
        ("Vaněk", "Vaňku"),
        ("Svoboda", "Svobodo"),
        ("Procházka", "Procházko"),
        ("Kučera", "Kučero"),
        ("Beneš", "Beneši"),
        ("Kolář", "Koláři"),
        ("Kříž", "Kříži"),
        ("Král", "Krále"),
        ("Zeman", "Zemane"),
        ("Pospíšil", "Pospíšile"),
        ("Holub", "Holube"),
        ("Soukup", "Soukupe"),
        ("Mayer", "Mayere"),
        ("Petr", "Petře"),
        ("Černý", "Černý"),
        ("Novotný", "Novotný"),
        ("Krejčí", "Krejčí"),
        # No reliable rule: the greeting falls back to the neutral form.
        ("Němec", None),
        ("Kadlec", None),
        ("Havel", None),
        ("Kuděj", "Kuději"),
        ("Hugo", None),
        ("Klaus", None),
        ("Novák-Dvořák", None),
        ("Oa", None),
    ],
)
def test_surname_vocative(surname: str, vocative: str | None) -> None:
    assert surname_vocative(surname) == vocative


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Marie Svobodová", "Dobrý den, paní Svobodová,"),
        ("Jan Novák", "Dobrý den, pane Nováku,"),
        ("Petr Hájek", "Dobrý den, pane Hájku,"),
        ("Tomáš Svoboda", "Dobrý den, pane Svobodo,"),
        ("Jiří Černý", "Dobrý den, pane Černý,"),
        ("Jana Černá", "Dobrý den, paní Černá,"),
        ("Eva Nová", "Dobrý den, paní Nová,"),
        ("Ing. Pavel Beneš, Ph.D.", "Dobrý den, pane Beneši,"),
        ("JAN NOVÁK", "Dobrý den, pane Nováku,"),
        ("Dagmar Havlová", "Dobrý den, paní Havlová,"),
        ("Jana Novák", "Dobrý den, paní Novák,"),  # a foreign woman's surname, not declined
        ("Svobodová", "Dobrý den, paní Svobodová,"),
        ("Novák", NEUTRAL_GREETING),  # a surname alone: who knows
        ("Nikola Nováková", "Dobrý den, paní Nováková,"),
        ("Nikola Novák", NEUTRAL_GREETING),  # Nikola: either gender
        ("Petr Němec", NEUTRAL_GREETING),  # -ec: no reliable vocative
        ("Petr Skála", "Dobrý den, pane Skálo,"),
        ("Petr Černá", NEUTRAL_GREETING),  # a man with a feminine surname: not guessed
        ("Jan Nováková", NEUTRAL_GREETING),  # contradicts itself
        ("", NEUTRAL_GREETING),
        ("Hugo Boss", NEUTRAL_GREETING),
    ],
)
def test_greeting(name: str, expected: str) -> None:
    assert greeting(name) == expected


def test_organisation_is_greeted_neutrally() -> None:
    assert greeting("Stavby Novák", is_person=False) == NEUTRAL_GREETING


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dobrý den, pane Nováku,\n\nposíláme odkaz.", "posíláme odkaz."),
        ("Dobrý den,\nposíláme odkaz.", "posíláme odkaz."),
        ("Vážená paní Svobodová,\n\ntext", "text"),
        ("Posíláme odkaz.\nDobrý den", "Posíláme odkaz.\nDobrý den"),
    ],
)
def test_greeting_strip(text: str, expected: str) -> None:
    assert greeting_strip(text) == expected
    assert has_greeting(text) == (text != expected)
