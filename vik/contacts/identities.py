"""Normalising and validating the identities by which a contact reaches VIK.

One function per kind turns what a person typed into the one canonical form that is stored and
matched; anything that cannot be normalised raises `InvalidIdentity` with a message for the user.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .choices import IdentityKind


class InvalidIdentity(ValueError):
    pass


def normalise_email(raw: str) -> str:
    """Lower-case the whole address; the domain in IDNA (punycode) form.

    RFC 5321 lets the local part be case-sensitive, but no mail system a Czech citizen uses
    treats it so, and matching 'Jan.Novak@' to 'jan.novak@' is what a clerk expects.
    """
    value = raw.strip().strip("<>").strip()
    if value.count("@") != 1:
        raise InvalidIdentity(_("“%(value)s” is not an e-mail address.") % {"value": raw})
    local, domain = value.rsplit("@", 1)
    try:
        ascii_domain = domain.strip().rstrip(".").encode("idna").decode("ascii")
    except UnicodeError as error:
        raise InvalidIdentity(
            _("The domain of “%(value)s” is not valid.") % {"value": raw}
        ) from error
    value = f"{local}@{ascii_domain}".lower()
    try:
        validate_email(value)
    except ValidationError as error:
        raise InvalidIdentity(
            _("“%(value)s” is not an e-mail address.") % {"value": raw}
        ) from error
    return value


def normalise_phone(raw: str, default_region: str = "CZ") -> str:
    """E.164 ('+420567123456'); national numbers are read as Czech."""
    try:
        number = phonenumbers.parse(raw.strip(), default_region)
    except phonenumbers.NumberParseException as error:
        raise InvalidIdentity(_("“%(value)s” is not a phone number.") % {"value": raw}) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentity(_("“%(value)s” is not a valid phone number.") % {"value": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_DATABOX = re.compile(r"^[a-z0-9]{7}$")


def normalise_databox(raw: str) -> str:
    """A data-box ID: exactly 7 characters, letters and digits (ISDS `tIdDb`)."""
    value = raw.strip().lower()
    if not _DATABOX.match(value):
        raise InvalidIdentity(
            _("A data-box ID has exactly 7 letters and digits; “%(value)s” does not.")
            % {"value": raw}
        )
    return value


def ico_check_digit(first_seven: str) -> int:
    remainder = sum(int(d) * w for d, w in zip(first_seven, range(8, 1, -1), strict=True)) % 11
    return {0: 1, 1: 0}.get(remainder, 11 - remainder)


def normalise_ico(raw: str) -> str:
    """IČO: 8 digits (shorter old numbers are left-padded), with a valid check digit."""
    value = re.sub(r"\s", "", raw)
    if not value.isdigit() or len(value) > 8:
        raise InvalidIdentity(
            _("An IČO has up to 8 digits; “%(value)s” does not.") % {"value": raw}
        )
    value = value.zfill(8)
    if ico_check_digit(value[:7]) != int(value[7]):
        raise InvalidIdentity(
            _("“%(value)s” is not a valid IČO (wrong check digit).") % {"value": raw}
        )
    return value


def normalise_chat(raw: str) -> str:
    value = raw.strip()
    if not value or len(value) > 128:
        raise InvalidIdentity(_("A chat visitor id must have 1 to 128 characters."))
    return value


NORMALISERS = {
    IdentityKind.EMAIL: normalise_email,
    IdentityKind.PHONE: normalise_phone,
    IdentityKind.DATABOX: normalise_databox,
    IdentityKind.ICO: normalise_ico,
    IdentityKind.CHAT: normalise_chat,
}


def normalise(kind: str, raw: str) -> str:
    return NORMALISERS[IdentityKind(kind)](raw)
