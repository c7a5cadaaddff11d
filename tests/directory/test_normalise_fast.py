"""The fast paths of clean_email and clean_phone give exactly the libraries' answers.

Each generated text goes through clean_email / clean_phone (fast path where it applies)
and through email-validator / phonenumbers called directly; the value or the rejection
must be the same.
"""

from __future__ import annotations

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from moyeu.directory.services import normalise
from moyeu.directory.services.normalise import clean_email, clean_phone


def _library_email(text: str) -> str | None:
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def _ours_email(text: str) -> str | None:
    try:
        return clean_email(text)
    except ValueError:
        return None


_LOCAL = st.text(alphabet="abcXYZ019._-+!#'`{|}~\"(),:;<>[]\\ é", min_size=0, max_size=70)
_LABEL = st.text(alphabet="abcXYZ019-_é.", min_size=0, max_size=70)
_TLD = st.sampled_from(["fr", "com", "COM", "a", "123", "local", "test", "invalid", "xn--p1ai", ""])
_DOMAIN = st.builds(
    lambda labels, tld: ".".join([*labels, tld]) if tld else ".".join(labels),
    st.lists(_LABEL, min_size=0, max_size=4),
    _TLD,
)
# Mostly well-formed addresses, so that accepted ones are common.
_PLAIN = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join([*labels, tld])}",
    st.from_regex(r"[A-Za-z0-9_+'-]{1,20}(\.[A-Za-z0-9_-]{1,10}){0,2}", fullmatch=True),
    st.lists(
        st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?", fullmatch=True),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(["fr", "com", "DE", "xn--p1ai", "local", "123"]),
)
_ADDRESS = st.one_of(
    _PLAIN,
    _PLAIN,
    st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN),
    st.builds(lambda local, domain: f"{local}@@{domain}", _LOCAL, _DOMAIN),
    st.text(max_size=40),
)


@settings(max_examples=3000, deadline=None)
@given(_ADDRESS)
def test_clean_email_agrees_with_email_validator(text: str) -> None:
    text = normalise.clean_text(text)
    assert _ours_email(text) == _library_email(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jean.Dupont@Exemple.FR", "jean.dupont@exemple.fr"),
        ("a" * 64 + "@" + "b" * 63 + ".fr", "a" * 64 + "@" + "b" * 63 + ".fr"),
        ("x@xn--80akhbyknj4f.xn--p1ai", "x@испытание.рф"),
        ("x@localhost", None),
        ("x@exemple", None),
        ("x@exemple.123", None),
        ("x..y@exemple.fr", None),
        ("a" * 200 + "@" + "b" * 60 + ".fr", None),  # 264 characters
    ],
)
def test_clean_email_examples(text: str, expected: str | None) -> None:
    assert _ours_email(text) == expected
    assert _library_email(text) == expected


def test_clean_email_fast_path_is_taken_for_the_common_shape() -> None:
    normalise._email_domain.cache_clear()
    clean_email("a.b@exemple.fr")
    clean_email("c.d@exemple.fr")
    assert normalise._email_domain.cache_info().hits == 1
    assert normalise._email_domain.cache_info().misses == 1


def _library_phone(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _ours_phone(text: str, region: str) -> str | None:
    try:
        typed, e164 = clean_phone(text, region)
    except ValueError:
        return None
    assert typed == text
    return e164


_GROUP = st.text(alphabet="0123456789", min_size=1, max_size=5)
_SEPARATOR = st.sampled_from([" ", ".", "-"])
_PHONE = st.one_of(
    st.builds(
        lambda plus, first, rest: plus + first + "".join(s + g for s, g in rest),
        st.sampled_from(["", "+", "00"]),
        _GROUP,
        st.lists(st.tuples(_SEPARATOR, _GROUP), max_size=6),
    ),
    # Typical numbers, so that valid ones are common: French, Belgian, Swiss, US, UK.
    st.builds(
        lambda prefix, digits, sep: prefix + sep.join(digits[i : i + 2] for i in range(0, 8, 2)),
        st.sampled_from(["06 ", "01", "+33 6 ", "+32 4", "+41 7", "+1 415 ", "+44 20 ", "0033 "]),
        st.text(alphabet="0123456789", min_size=8, max_size=8),
        _SEPARATOR,
    ),
    # Any country code, and national numbers behind the prefixes regions use.
    st.builds(
        lambda code, digits: f"+{code} {digits}",
        st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
        st.text(alphabet="0123456789", min_size=4, max_size=13),
    ),
    st.builds(
        lambda prefix, digits: prefix + digits,
        st.sampled_from(["0", "00", "8", "810", "1", "011", "180020", "0033", "33", "9", "015"]),
        st.text(alphabet="0123456789", min_size=4, max_size=13),
    ),
    st.text(alphabet="0123456789 +-.()/x#,;", max_size=20),
)
_REGION = st.sampled_from(
    ["FR", "BE", "CH", "US", "GB", "DE", "IT", "RU", "AR", "BR", "MX", "JP", "NL", "ES", "IN"]
)


@settings(max_examples=6000, deadline=None)
@given(_PHONE, _REGION)
def test_clean_phone_agrees_with_phonenumbers(text: str, region: str) -> None:
    text = normalise.clean_text(text)
    assert _ours_phone(text, region) == _library_phone(text, region)


def test_clean_phone_memoises_on_the_digits() -> None:
    normalise._e164_cached.cache_clear()
    assert clean_phone("06 12 34 56 78", "FR") == ("06 12 34 56 78", "+33612345678")
    assert clean_phone("06.12.34.56.78", "FR") == ("06.12.34.56.78", "+33612345678")
    assert clean_phone("0470-12-34-56", "BE") == ("0470-12-34-56", "+32470123456")
    assert normalise._e164_cached.cache_info().hits == 1
    with pytest.raises(ValueError, match="read as FR"):
        clean_phone("06 12", "FR")
