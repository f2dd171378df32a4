"""Phone numbers: parsed and formatted with ``phonenumbers``, extensions kept.

Numbers are stored in E.164 with an RFC 3966 extension suffix (``+77172696550;ext=2293``)
so that one string round-trips to display text and to a ``tel:`` link.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat


class InvalidPhoneNumber(ValueError):
    """The text is not a phone number that can be dialled."""


def normalise(raw: str, region: str | None = None) -> str:
    """Parse ``raw`` (with the caller's country as a hint) into the stored form."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber(
            "This is not a phone number. Write it with its country code, e.g. +41 22 917 9383."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(
            "This number does not exist in its country. Check the digits and the country code."
        )
    stored = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return f"{stored};ext={number.extension}" if number.extension else stored


def _parse_stored(stored: str) -> phonenumbers.PhoneNumber:
    main, _, extension = stored.partition(";ext=")
    number = phonenumbers.parse(main, None)
    if extension:
        number.extension = extension
    return number


# Stored numbers are few (the contacts') and shown on every mail and desk page: each is
# parsed once per process, not at every showing.
@lru_cache(maxsize=1024)
def display(stored: str) -> str:
    """International format for people: "+7 7172 69 65 50 ext. 2293"."""
    return phonenumbers.format_number(_parse_stored(stored), PhoneNumberFormat.INTERNATIONAL)


@lru_cache(maxsize=1024)
def tel_uri(stored: str) -> str:
    """A ``tel:`` link that phones dial, extension included."""
    return phonenumbers.format_number(_parse_stored(stored), PhoneNumberFormat.RFC3966)


def supported_regions() -> frozenset[str]:
    """ISO country codes for which numbers can be checked."""
    return frozenset(phonenumbers.SUPPORTED_REGIONS)
