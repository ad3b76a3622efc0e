"""The one list of file types citizens may send, and names shortened rather than refused."""

import pytest

from vik.core.filetypes import is_refused_type, shortened_name


@pytest.mark.parametrize(
    ("name", "head", "refused"),
    [
        ("žádost.pdf", b"%PDF", False),
        ("FOTO.JPG", b"\xff\xd8\xff\xe0", False),
        ("virus.exe", b"MZ\x90\x00", True),
        ("faktura.pdf.exe", b"%PDF", True),
        ("faktura.pdf", b"MZ\x90\x00", True),  # renamed: the first bytes tell
        ("skript.txt", b"#!/b", True),
        ("bez-pripony", b"abcd", True),
        ("stranka.html", b"<htm", True),
    ],
)
def test_the_types_the_web_form_refuses(name, head, refused):
    assert is_refused_type(name, head) is refused


def test_a_long_name_keeps_its_extension():
    name = "Žádost " + "o vydání " * 40 + ".pdf"
    short = shortened_name(name)
    # 120 characters at most; the space before the cut goes too
    assert short == "Žádost " + ("o vydání " * 12)[:-1] + "….pdf"
    assert len(short) == 119


def test_a_name_of_four_byte_characters_fits_a_file_system():
    short = shortened_name("😀" * 100 + ".jpg")
    assert len(short.encode()) <= 240
    assert short.endswith("….jpg")


def test_directories_and_control_characters_are_dropped():
    assert shortened_name("C:\\Users\\jana\\sken\x00 1.pdf") == "sken 1.pdf"
    assert shortened_name("../../etc/passwd") == "passwd"
    assert shortened_name("  . ") == ""
