"""French and European identifiers: shape and checksum, nothing else.

Each check takes the citizen's text as typed (spaces allowed where people type them)
and says whether it is a valid identifier; `normalise_*` gives the stored form.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s.\-]")


def compact(value: str) -> str:
    """The identifier without the spaces, dots and dashes people type inside it."""
    return _SPACES.sub("", value)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_siret(value: str) -> bool:
    digits = compact(value)
    if len(digits) != 14 or not digits.isdigit():
        return False
    # La Poste's establishments share SIREN 356000000 and use a digit sum instead of Luhn.
    if digits.startswith("356000000"):
        return sum(int(d) for d in digits) % 5 == 0
    return luhn_valid(digits)


def is_siren(value: str) -> bool:
    digits = compact(value)
    return len(digits) == 9 and digits.isdigit() and luhn_valid(digits)


def is_postcode(value: str) -> bool:
    return len(value) == 5 and value.isdigit()


_INSEE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$")


def is_insee(value: str) -> bool:
    """An INSEE commune code: 5 characters, Corsica's départements as 2A and 2B."""
    return bool(_INSEE.match(value.upper()))


def is_iban(value: str) -> bool:
    """ISO 13616: country, check digits, then the account; the whole must be 1 mod 97."""
    iban = compact(value).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


_PHONE = re.compile(r"^\+?[0-9]{6,15}$")


def is_phone(value: str) -> bool:
    """A French number (10 digits, leading 0) or an international one (+ and up to 15)."""
    number = compact(value).replace("(", "").replace(")", "")
    if not _PHONE.match(number):
        return False
    if number.startswith("+"):
        return 8 <= len(number) <= 16
    return len(number) == 10 and number.startswith("0")
