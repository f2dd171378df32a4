"""Short codes: what a journalist on the phone can note down instead of a status link.

A code is the inquiry's reference and six characters, ``KAZ15-0042-7QXM4P``, from an
alphabet without look-alikes (no 0/O, 1/I/L, nor U/V), read back in any case, with or
without the dashes. It opens the status page (``/status``), so it is a secret like the
status token, and the database keeps only its hash. Unlike the token it is derived
(HMAC of the reference under a key from SECRET_KEY), so the desk can show it again on the
inquiry's page without the database ever holding it; changing SECRET_KEY changes what
the desk would show, never what works (the stored hash is of the code given out).

Six characters over thirty are 30**6, about 7×10**8, per reference, and references are
easy to guess: what keeps a code from being guessed is the lock-out on wrong codes
(``code_lookup``), not its length. Its hash is a plain SHA-256, like the token's: whoever
holds the table could try every code of a reference offline, but would learn only the
status page of a row they already have.
"""

from __future__ import annotations

import hashlib
import hmac
import re

# 8 digits and 22 letters: nothing that reads as another character when written by hand
# or spelled on the phone (0/O, 1/I/L, U/V).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6
# Separates this key from every other use of SECRET_KEY (sessions, CSRF, the outbox).
CONTEXT = b"tracker inquiry short code v1"
# What a typed code keeps: letters and digits; dashes, spaces and dots are the reader's.
NOT_KEPT = re.compile(r"[^0-9A-Z]")
# A Russian or Kazakh keyboard types Cyrillic letters that look like Latin ones
# ("КАZ15"): read as the letters they look like.
LOOK_ALIKES = str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY")
# Longer than any code: a reference (24) and the six characters, with separators.
MAX_TYPED = 48


def code_for(reference: str, secret_key: str | bytes) -> str:
    """The short code of the inquiry ``reference``: "KAZ15-0042-7QXM4P"."""
    raw = secret_key.encode() if isinstance(secret_key, str) else secret_key
    key = hmac.new(raw, CONTEXT, hashlib.sha256).digest()
    number = int.from_bytes(hmac.new(key, reference.encode(), hashlib.sha256).digest(), "big")
    characters = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[index])
    return f"{reference}-{''.join(characters)}"


def normalise(typed: str) -> str:
    """A code as typed, the way it is hashed: upper case, letters and digits only."""
    return NOT_KEPT.sub("", typed.upper().translate(LOOK_ALIKES))


def code_hash(code: str) -> str:
    """What the database keeps of a code, and looks a typed one up by."""
    return hashlib.sha256(normalise(code).encode("ascii")).hexdigest()


def plausible(typed: str) -> bool:
    """Whether ``typed`` may be a code at all (worth a look-up, and a counted failure)."""
    return len(normalise(typed)) > LENGTH and len(typed) <= MAX_TYPED


def stored_code(reference: str, stored_hash: str | None, secret_key: str | bytes) -> str | None:
    """The code of ``reference`` to show again, if it is the one whose hash is stored (not
    when the inquiry predates codes, or SECRET_KEY changed since it was given out)."""
    if stored_hash is None:
        return None
    code = code_for(reference, secret_key)
    return code if code_hash(code) == stored_hash else None
