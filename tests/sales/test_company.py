"""The company's details on quotes: checked identifiers, a logo that is an image, the PDF."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from moyeu.core.errors import PermissionDenied, ValidationFailed, VersionConflict
from moyeu.core.models import AuditEntry
from moyeu.sales import services
from moyeu.sales.pdf import render_quote
from tests.personas import Personas
from tests.sales.helpers import make_world

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (79, 70, 229)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_details_are_checked_and_the_logo_goes_on_the_pdf(personas: Personas) -> None:
    admin = personas.actor("admin")
    with pytest.raises(PermissionDenied):
        services.company_update(actor=personas.actor("manager"), values={"legal_name": "X"})
    with pytest.raises(ValidationFailed) as bad:
        services.company_update(
            actor=admin,
            values={"siren": "123456789", "vat_number": "FR00", "colour": "red"},
            logo=b"not an image",
        )
    assert bad.value.errors == {"logo": ["Give a PNG or JPEG image."]}
    with pytest.raises(ValidationFailed) as fields:
        services.company_update(actor=admin, values={"siren": "123456789", "vat_number": "FR00"})
    assert fields.value.errors == {
        "siren": ["Not a valid SIREN (9 digits)."],
        "vat_number": ["Not a valid EU VAT number."],
    }
    profile = services.company_update(
        actor=admin,
        values={"legal_name": "Moyeu SAS", "siren": "732 829 320", "vat_number": "fr 44732829320"},
        logo=_png(),
        expected_version=0,
    )
    assert (profile.siren, profile.vat_number, profile.logo_type, profile.version) == (
        "732829320",
        "FR44732829320",
        "png",
        1,
    )
    with pytest.raises(VersionConflict):
        services.company_update(actor=admin, values={"city": "Lyon"}, expected_version=0)
    entry = AuditEntry.objects.get(code="sales.company.updated")
    assert entry.changes["legal_name"] == ["", "Moyeu SAS"]
    world = make_world(personas)
    with_logo = render_quote(world.quote(), "fr")
    assert with_logo[:5] == b"%PDF-" and b"/Subtype /Image" in with_logo
    services.company_update(actor=admin, values={}, remove_logo=True)
    assert b"/Subtype /Image" not in render_quote(world.quote(), "en")
