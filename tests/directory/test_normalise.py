"""Normalisation of the directory's values: exact stored forms and refusals."""

from __future__ import annotations

import pytest

from moyeu.directory.reference import naf
from moyeu.directory.reference.countries import COUNTRY_CODES, country_name
from moyeu.directory.services import identifiers
from moyeu.directory.services.normalise import (
    clean_country,
    clean_email,
    clean_language,
    clean_name,
    clean_phone,
    clean_text,
    clean_website,
    default_region,
    phone_query,
)


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "FR", "+33612345678"),
        ("0033 6 12 34 56 78", "FR", "+33612345678"),
        ("01.42.68.53.00", "FR", "+33142685300"),
        ("0470 12 34 56", "BE", "+32470123456"),
        ("02 511 22 33", "BE", "+3225112233"),
        ("079 123 45 67", "CH", "+41791234567"),
        ("044 668 18 00", "CH", "+41446681800"),
        ("612 34 56 78", "ES", "+34612345678"),
        ("912 34 56 78", "ES", "+34912345678"),
        ("347 123 4567", "IT", "+393471234567"),
        ("06 1234 5678", "IT", "+390612345678"),
        ("+41 79 123 45 67", "FR", "+41791234567"),
    ],
)
def test_phones_become_e164_in_their_region(raw: str, region: str, e164: str) -> None:
    assert clean_phone(raw, region) == (" ".join(raw.split()), e164)


@pytest.mark.parametrize("raw", ["1", "06 12", "not a phone", "+99 123", "06 12 34 56 78 99"])
def test_invalid_phones_are_refused_with_the_region_named(raw: str) -> None:
    with pytest.raises(ValueError, match=r"read as FR"):
        clean_phone(raw, "FR")


def test_phone_query_and_default_region(settings: object) -> None:
    assert phone_query("06 12 34 56 78") == "+33612345678"
    assert phone_query("0470 12 34 56", "BE") == "+32470123456"
    assert phone_query("hello") is None
    assert default_region(None) == "FR"
    assert default_region("be") == "BE"


def test_default_region_comes_from_the_setting(settings: object) -> None:
    settings.MOYEU_DEFAULT_PHONE_REGION = "CH"  # type: ignore[attr-defined]
    assert default_region() == "CH"
    assert phone_query("079 123 45 67") == "+41791234567"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Jean.Dupont@Exemple.FR", "jean.dupont@exemple.fr"),
        ("  ANNE@EXEMPLE.COM ", "anne@exemple.com"),
        ("élodie.lefèvre@exemple.fr", "élodie.lefèvre@exemple.fr"),
        ("ÉLODIE@Exemple.fr", "élodie@exemple.fr"),
    ],
)
def test_emails_are_checked_and_lower_cased(raw: str, stored: str) -> None:
    assert clean_email(raw) == stored


@pytest.mark.parametrize("raw", ["nope", "a@b", "a@@exemple.fr", "jean dupont@exemple.fr", ""])
def test_invalid_emails_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match=r"^Not a valid e-mail address: "):
        clean_email(raw)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  jean-pierre  ", "Jean-Pierre"),
        ("DUPONT", "Dupont"),
        ("LEFÈVRE", "Lefèvre"),
        ("élodie", "Élodie"),
        ("jean de la fontaine", "Jean de la Fontaine"),
        ("o'neil", "O'Neil"),
        ("McAllister", "McAllister"),
        ("d'Artagnan", "d'Artagnan"),
        ("Van  der   Berg", "Van der Berg"),
    ],
)
def test_names_are_collapsed_and_never_shouted(raw: str, stored: str) -> None:
    assert clean_name(raw) == stored


def test_text_countries_languages_websites() -> None:
    assert clean_text("  Société\u00a0 Générale  ") == "Société Générale"
    assert clean_text("Cafe\u0301") == "Café"  # NFC
    assert clean_country(" be ") == "BE"
    assert clean_country("") == ""
    with pytest.raises(ValueError, match="ISO 3166-1"):
        clean_country("XX")
    with pytest.raises(ValueError, match="ISO 3166-1"):
        clean_country("FRA")
    assert clean_language("FR") == "fr"
    with pytest.raises(ValueError, match="ISO 639-1"):
        clean_language("french")
    assert clean_website("exemple.fr") == "https://exemple.fr"
    assert clean_website("http://exemple.fr") == "http://exemple.fr"


def test_country_list_is_iso_3166() -> None:
    assert len(COUNTRY_CODES) == 249
    assert {"FR", "BE", "CH", "ES", "IT", "DE", "AQ", "BQ"} <= COUNTRY_CODES
    assert not {"AN", "AC", "TA", "XK", "EU", "UK"} & COUNTRY_CODES
    assert (country_name("DE", "fr"), country_name("DE", "en")) == ("Allemagne", "Germany")
    assert country_name("CH", "fr") == "Suisse"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("123 456 782", "123456782"),
        ("123456782", "123456782"),
    ],
)
def test_siren(raw: str, stored: str) -> None:
    assert identifiers.clean_siren(raw) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("123456789", "This SIREN's check digit is wrong."),
        ("12345678", "A SIREN has 9 digits."),
        ("12345678A", "A SIREN has 9 digits."),
    ],
)
def test_bad_siren(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        identifiers.clean_siren(raw)


def test_siret() -> None:
    assert identifiers.clean_siret("123 456 782 00010") == "12345678200010"
    with pytest.raises(ValueError, match=r"^This SIRET's check digit is wrong\.$"):
        identifiers.clean_siret("12345678200011")
    with pytest.raises(ValueError, match=r"^A SIRET has 14 digits: the SIREN and 5 more\.$"):
        identifiers.clean_siret("1234567820001")


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("fr 11 123 456 782", "FR11123456782"),
        ("BE 0403.170.701", "BE0403170701"),
        ("DE136695976", "DE136695976"),
        ("IT 00743110157", "IT00743110157"),
        ("ESA12345674", "ESA12345674"),
        ("CHE-116.281.710 MWST", "CHE116281710MWST"),
        ("che 116 281 710 tva", "CHE116281710TVA"),
        ("CHE116281710IVA", "CHE116281710IVA"),
    ],
)
def test_vat_numbers(raw: str, stored: str) -> None:
    assert identifiers.clean_vat_number(raw) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("FR12123456782", "This VAT number's check digits are wrong."),
        (
            "XX123456",
            "A VAT number starts with its country code: an EU one such as FR or BE, or CHE.",
        ),
        (
            "123456782",
            "A VAT number starts with its country code: an EU one such as FR or BE, or CHE.",
        ),
        ("DE12345", "Not a valid VAT number for its country."),
        ("CHE-116.281.711 MWST", "This VAT number's check digits are wrong."),
        (
            "CHE-116.281.710",
            "A Swiss VAT number ends with MWST, TVA, IVA or TPF: CHE-123.456.789 MWST.",
        ),
        ("CHE-116.281.710 XYZ", "A Swiss VAT number is CHE, 9 digits and MWST, TVA, IVA or TPF."),
        ("CHE-116.281.71 MWST", "A Swiss VAT number is CHE, 9 digits and MWST, TVA, IVA or TPF."),
        (
            "CH116281710",
            "A VAT number starts with its country code: an EU one such as FR or BE, or CHE.",
        ),
    ],
)
def test_bad_vat_numbers(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        identifiers.clean_vat_number(raw)


def test_identifiers_must_agree() -> None:
    assert identifiers.consistency_errors("123456782", "12345678200010", "FR11123456782") == {}
    assert identifiers.consistency_errors("987654324", "12345678200010", "FR11123456782") == {
        "siret": "The SIRET must start with the SIREN (987654324).",
        "vat_number": "A French VAT number must end with the SIREN (987654324).",
    }


def test_naf_reference_data() -> None:
    assert (len(naf.SECTIONS), len(naf.DIVISIONS)) == (21, 88)
    assert naf.section_of("62").code == "J"
    assert naf.section_of("01").label("en") == "Agriculture, forestry and fishing"
    assert naf.DIVISIONS["62"].label("fr") == (
        "Programmation, conseil et autres activités informatiques"
    )
    assert naf.describe("62.01Z", "en") == (
        "62.01Z — Computer programming, consultancy and related activities"
    )


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("62.01Z", "62.01Z"), ("6201z", "62.01Z"), ("62", "62"), ("62.01", "62.01"), ("47.1", "47.1")],
)
def test_industry_codes(raw: str, stored: str) -> None:
    assert identifiers.clean_industry(raw) == stored


@pytest.mark.parametrize("raw", ["04", "4", "62Z", "62.01ZZ", "00.00A", "ab"])
def test_bad_industry_codes(raw: str) -> None:
    with pytest.raises(ValueError, match=r"^Not a NAF/NACE code"):
        identifiers.clean_industry(raw)
