"""A quote as a PDF (fpdf2, pure Python): the company's details and logo, the customer, the
lines, the totals per VAT rate, the terms, a box for the customer's signature."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from moyeu.sales import formatting as fmt
from moyeu.sales.models import CompanyProfile, Quote
from moyeu.sales.services.company import company_profile
from moyeu.sales.services.quote_math import totals

GREY = (100, 116, 139)
INK = (15, 23, 42)
LINE = (203, 213, 225)
# Description, quantity, unit, unit price, discount, VAT, total: 190 mm.
COLUMNS = (70, 16, 16, 26, 16, 16, 30)


class _Document(FPDF):
    def __init__(self, footer: str) -> None:
        super().__init__(format="A4")
        self.core_fonts_encoding = "windows-1252"  # €, œ, « » in the core fonts
        self.footer_text = footer
        self.set_auto_page_break(auto=True, margin=20)
        self.set_margins(10, 12, 10)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("helvetica", size=7)
        self.set_text_color(*GREY)
        self.multi_cell(0, 3.5, _safe(self.footer_text), align="C")
        self.set_y(-7)
        self.cell(0, 3, f"{self.page_no()}/{{nb}}", align="R")


def _safe(text: str) -> str:
    """Text the windows-1252 core fonts can draw (other characters become ?)."""
    return text.replace("\u202f", "\u00a0").encode("cp1252", "replace").decode("cp1252")


def _company_lines(company: CompanyProfile) -> list[str]:
    lines = [company.address, f"{company.postcode} {company.city}".strip()]
    if company.siren:
        lines.append(f"SIREN {company.siren}")
    if company.vat_number:
        lines.append(_("VAT number: %(n)s") % {"n": company.vat_number})
    lines += [company.email, company.phone, company.website]
    return [line for line in lines if line]


def _customer_lines(quote: Quote) -> list[str]:
    account = quote.account
    lines = [account.name]
    if quote.contact is not None:
        lines.append(str(quote.contact))
    addresses = account.related_snapshot().get("addresses", [])
    if addresses:
        first = addresses[0]
        lines += [first.get("line1", ""), first.get("line2", "")]
        lines.append(f"{first.get('postcode', '')} {first.get('city', '')}".strip())
    if account.vat_number:
        lines.append(_("VAT number: %(n)s") % {"n": account.vat_number})
    return [line for line in lines if line]


def _footer(company: CompanyProfile) -> str:
    parts = [company.legal_name, company.legal_form]
    if company.siren:
        parts.append(f"SIREN {company.siren}")
    if company.vat_number:
        parts.append(_("VAT number: %(n)s") % {"n": company.vat_number})
    return " · ".join(part for part in parts if part)


def _header(pdf: _Document, quote: Quote, company: CompanyProfile) -> None:
    top = pdf.get_y()
    if company.logo:
        pdf.image(io.BytesIO(bytes(company.logo)), x=10, y=top, h=16)
        pdf.set_y(top + 18)
    pdf.set_font("helvetica", "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(95, 6, _safe(company.legal_name or "-"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("helvetica", size=8.5)
    pdf.set_text_color(*GREY)
    for line in _company_lines(company):
        pdf.cell(95, 4, _safe(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    pdf.set_xy(110, top)
    pdf.set_font("helvetica", "B", 18)
    pdf.set_text_color(*INK)
    pdf.cell(90, 9, _safe(_("QUOTE")), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("helvetica", size=9)
    facts = [
        _("No. %(n)s") % {"n": quote.reference or _("draft")},
        _("Date: %(d)s") % {"d": fmt.day(quote.issue_date) or "-"},
        _("Valid until: %(d)s") % {"d": fmt.day(quote.valid_until)},
    ]
    for fact in facts:
        pdf.set_x(110)
        pdf.cell(90, 4.5, _safe(fact), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(115, max(pdf.get_y() + 6, top + 30))
    pdf.set_draw_color(*LINE)
    box_top = pdf.get_y()
    pdf.set_font("helvetica", "B", 10)
    pdf.set_x(118)
    customer = _customer_lines(quote)
    pdf.cell(80, 5.5, _safe(customer[0]), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("helvetica", size=9)
    for line in customer[1:]:
        pdf.set_x(118)
        pdf.cell(80, 4.5, _safe(line), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.rect(115, box_top - 2, 85, pdf.get_y() - box_top + 4)
    pdf.set_y(max(pdf.get_y(), left_bottom) + 8)


def _lines(pdf: _Document, quote: Quote) -> None:
    heads = (
        _("Description"),
        _("Qty"),
        _("Unit"),
        _("Unit price"),
        _("Disc."),
        _("VAT"),
        _("Total excl. tax"),
    )
    pdf.set_font("helvetica", "B", 8.5)
    pdf.set_fill_color(241, 245, 249)
    pdf.set_text_color(*INK)
    for index, (width, head) in enumerate(zip(COLUMNS, heads, strict=True)):
        pdf.cell(width, 7, _safe(head), fill=True, align="L" if index == 0 else "R")
    pdf.ln(7)
    pdf.set_font("helvetica", size=8.5)
    for line in quote.lines.all():
        cells = (
            fmt.quantity(line.quantity),
            fmt.unit_label(line.unit),
            fmt.number(line.unit_price),
            fmt.percent(line.discount_percent) if line.discount_percent else "",
            fmt.percent(line.tax_rate),
            fmt.money(line.total_excl_tax, quote.currency),
        )
        y = pdf.get_y()
        if y > 260:
            pdf.add_page()
            y = pdf.get_y()
        pdf.multi_cell(COLUMNS[0], 4.5, _safe(line.description), new_x=XPos.RIGHT, new_y=YPos.TOP)
        height = max(pdf.get_y() - y, 4.5)
        bottom = pdf.get_y()
        pdf.set_xy(10 + COLUMNS[0], y)
        for width, text in zip(COLUMNS[1:], cells, strict=True):
            pdf.cell(width, 4.5, _safe(text), align="R")
        pdf.set_y(max(bottom, y + height) + 1.5)
        pdf.set_draw_color(*LINE)
        pdf.line(10, pdf.get_y() - 0.8, 200, pdf.get_y() - 0.8)


def _totals(pdf: _Document, quote: Quote) -> None:
    result = totals(
        ((line.total_excl_tax, line.tax_rate) for line in quote.lines.all()),
        quote.discount_percent,
    )
    rows: list[tuple[str, Decimal, bool]] = []
    if quote.discount_percent:
        rows.append((_("Lines total excl. tax"), result.lines_total, False))
        rows.append(
            (
                _("Discount %(p)s") % {"p": fmt.percent(quote.discount_percent)},
                -result.discount_amount,
                False,
            )
        )
    rows.append((_("Total excl. tax"), result.total_excl_tax, True))
    for rate in result.by_rate:
        label = _("VAT %(rate)s on %(base)s") % {
            "rate": fmt.percent(rate.rate),
            "base": fmt.money(rate.base, quote.currency),
        }
        rows.append((label, rate.tax, False))
    rows.append((_("Total incl. tax"), result.total_incl_tax, True))
    pdf.ln(3)
    for label, amount, strong in rows:
        pdf.set_font("helvetica", "B" if strong else "", 9.5 if strong else 8.5)
        pdf.set_x(100)
        pdf.cell(65, 5.5, _safe(label), align="R")
        pdf.cell(
            35,
            5.5,
            _safe(fmt.money(amount, quote.currency)),
            align="R",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )


def _terms(pdf: _Document, quote: Quote, company: CompanyProfile) -> None:
    pdf.ln(5)
    pdf.set_font("helvetica", size=8.5)
    pdf.set_text_color(*INK)
    for text in (quote.notes, company.quote_terms):
        if text:
            pdf.multi_cell(190, 4.2, _safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
    if pdf.get_y() > 245:
        pdf.add_page()
    pdf.set_x(120)
    pdf.set_font("helvetica", "B", 8.5)
    pdf.cell(
        80, 5, _safe(_("Good for agreement: date and signature")), new_x=XPos.LEFT, new_y=YPos.NEXT
    )
    pdf.set_draw_color(*LINE)
    pdf.rect(120, pdf.get_y(), 80, 22)


def quote_language(quote: Quote) -> str:
    language = getattr(quote.contact, "language", "") if quote.contact_id else ""
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE


def render_quote(quote: Quote, language: str | None = None) -> bytes:
    """The quote's PDF, in the contact's language (or the site's)."""
    company = company_profile()
    with translation.override(language or quote_language(quote)):
        pdf = _Document(_footer(company))
        pdf.set_title(quote.reference or str(quote))
        pdf.set_author(company.legal_name)
        pdf.set_creator("Moyeu")
        pdf.add_page()
        _header(pdf, quote, company)
        if quote.title:
            pdf.set_font("helvetica", "B", 10.5)
            pdf.multi_cell(190, 5.5, _safe(quote.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        _lines(pdf, quote)
        _totals(pdf, quote)
        _terms(pdf, quote, company)
        return bytes(pdf.output())


def pdf_filename(quote: Quote) -> str:
    return f"{quote.reference or 'devis-brouillon'}.pdf"
