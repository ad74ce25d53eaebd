from __future__ import annotations

import pytest

from runtime.identifiers import is_iban, is_insee, is_phone, is_postcode, is_siren, is_siret


@pytest.mark.parametrize("value", ["73282932000074", "732 829 320 00074", "35600000000001"])
def test_valid_sirets(value: str) -> None:
    assert is_siret(value)


@pytest.mark.parametrize("value", ["73282932000075", "7328293200007", "abcdefghijklmn", ""])
def test_invalid_sirets(value: str) -> None:
    assert not is_siret(value)


def test_siren() -> None:
    assert is_siren("732829320") and not is_siren("732829321")


def test_iban() -> None:
    assert is_iban("FR14 2004 1010 0505 0001 3M02 606")
    assert is_iban("DE89370400440532013000")
    assert not is_iban("FR14 2004 1010 0505 0001 3M02 607")
    assert not is_iban("FR14")


def test_insee_and_postcode() -> None:
    assert is_insee("75056") and is_insee("2A004") and is_insee("2b033")
    assert not is_insee("2C004") and not is_insee("7505")
    assert is_postcode("61250") and not is_postcode("6125") and not is_postcode("6125a")


@pytest.mark.parametrize(
    "value,ok",
    [
        ("01 23 45 67 89", True),
        ("0612345678", True),
        ("+33 6 12 34 56 78", True),
        ("12345", False),
        ("06 12 34", False),
        ("1234567890", False),
    ],
)
def test_phone(value: str, ok: bool) -> None:
    assert is_phone(value) is ok
