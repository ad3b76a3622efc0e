import pytest

from vik.contacts.identities import InvalidIdentity, normalise

VALID = [
    ("email", "Jana.Novakova@Seznam.CZ", "jana.novakova@seznam.cz"),
    ("email", "  <podatelna@kr-vysocina.cz> ", "podatelna@kr-vysocina.cz"),
    ("email", "info@žďár.cz", "info@xn--r-tfa1lsr.cz"),
    ("email", "obec@Třebíč.cz", "obec@xn--teb-tma4n1r.cz"),
    ("phone", "567 123 456", "+420567123456"),
    ("phone", "+420 777 123 456", "+420777123456"),
    ("phone", "00420 602 111 222", "+420602111222"),
    ("phone", "800 123 456", "+420800123456"),
    ("phone", "+421 905 123 456", "+421905123456"),
    ("databox", "8PPKMUZ", "8ppkmuz"),
    ("databox", " ab12cd3 ", "ab12cd3"),
    ("ico", "70890749", "70890749"),
    ("ico", "286010", "00286010"),
    ("ico", "00286 010", "00286010"),
    ("chat", "visitor-42", "visitor-42"),
]

INVALID = [
    ("email", "jana.novakova"),
    ("email", "jana@@seznam.cz"),
    ("email", "jana@seznam"),
    ("email", ""),
    ("phone", "123"),
    ("phone", "not a number"),
    ("phone", "+420 123 456 789"),
    ("databox", "8ppkmu"),
    ("databox", "8ppkmuz1"),
    ("databox", "8ppk-uz"),
    ("ico", "70890748"),
    ("ico", "123456789"),
    ("ico", "7089074a"),
    ("chat", ""),
]


@pytest.mark.parametrize(("kind", "raw", "expected"), VALID)
def test_valid_identities_are_normalised(kind, raw, expected):
    assert normalise(kind, raw) == expected


@pytest.mark.parametrize(("kind", "raw"), INVALID)
def test_invalid_identities_are_refused_with_a_message(kind, raw):
    with pytest.raises(InvalidIdentity) as error:
        normalise(kind, raw)
    assert str(error.value)
