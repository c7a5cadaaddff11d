"""Reading an uploaded file as a stream of rows: CSV in any encoding and delimiter, or XLSX.

Nothing here holds the whole file: CSV is decoded and parsed as it is read, XLSX through
openpyxl's read-only (streaming) mode. Bytes that do not decode are kept as surrogates
(``surrogateescape``) so the row and column of a wrong encoding can be named, rather than
the whole file failing at an arbitrary buffer boundary.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer
from django.utils.translation import gettext as _

from moyeu.core.errors import ValidationFailed

SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
FORMATS = ("csv", "xlsx")
csv.field_size_limit(1024 * 1024)


@dataclass(frozen=True)
class Detected:
    format: str
    encoding: str = ""
    delimiter: str = ""


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file (header = 1), its cells, and any read problem."""

    line: int
    cells: list[str]
    problem: str = ""
    problem_column: int = -1


def format_of(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower().lstrip(".")
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix == "xlsx":
        return "xlsx"
    raise ValidationFailed(
        {"file": [_("Only CSV and XLSX files can be imported (got “%s”).") % suffix]}
    )


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # a character cut by the end of the sample
            return "utf-8"
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        return "cp1252"
    name = best.encoding.lower().replace("_", "-")
    # Western files that are not UTF-8 are nearly always Windows-1252, a superset of latin-1
    # for printable text; charset-normalizer often names a sibling code page.
    if name in ("ascii", "latin-1", "iso8859-1", "iso-8859-1", "cp1250", "cp1252", "mac-roman"):
        return "cp1252"
    return name


def detect_delimiter(text: str) -> str:
    lines = text.splitlines()[:50]
    sample = "\n".join(lines[:-1] if len(lines) > 1 else lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(DELIMITERS, key=header.count) if header else ","


def detect(path: Path, file_name: str) -> Detected:
    file_format = format_of(file_name)
    if file_format == "xlsx":
        return Detected("xlsx")
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if b"\x00" in sample:
        raise ValidationFailed({"file": [_("This is not a text (CSV) file.")]})
    encoding = detect_encoding(sample)
    text = sample.decode(encoding, errors="replace")
    return Detected("csv", encoding, detect_delimiter(text))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal):
        return value.isoformat() if not isinstance(value, decimal.Decimal) else str(value)
    return str(value)


def _bad_bytes(cell: str, encoding: str) -> str:
    raw = cell.encode(encoding, errors="surrogateescape")
    return _("cannot be read as %(encoding)s (bytes %(bytes)s); choose another encoding") % {
        "encoding": encoding,
        "bytes": raw[:20].hex(" "),
    }


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[Row]:
    with path.open("r", encoding=encoding, errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        line = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                message = _("Broken CSV at line %(line)s: %(error)s")
                raise ValidationFailed(
                    {"file": [message % {"line": reader.line_num, "error": exc}]}
                ) from None
            line += 1
            if not any(cells):
                continue
            try:
                "".join(cells).encode("utf-8")
            except UnicodeEncodeError:
                bad = next(i for i, c in enumerate(cells) if _has_surrogate(c))
                yield Row(line, cells, _bad_bytes(cells[bad], encoding), bad)
                continue
            yield Row(line, cells)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _xlsx_rows(path: Path) -> Iterator[Row]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                yield Row(line, cells)
    finally:
        workbook.close()


@contextmanager
def open_rows(path: Path, detected: Detected) -> Iterator[Iterator[Row]]:
    """The rows of the file, header first (its ``line`` is 1 unless blank lines precede it)."""
    if detected.format == "xlsx":
        rows = _xlsx_rows(path)
    else:
        rows = _csv_rows(path, detected.encoding, detected.delimiter)
    try:
        yield rows
    except (OSError, KeyError, ValueError) as exc:
        if isinstance(exc, ValidationFailed):
            raise
        raise ValidationFailed({"file": [_("The file cannot be read: %s") % exc]}) from None
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def read_header(path: Path, detected: Detected) -> list[str]:
    try:
        with open_rows(path, detected) as rows:
            first = next(rows, None)
    except (OSError, KeyError, ValueError, Exception) as exc:  # zip, xml errors of a bad XLSX
        if isinstance(exc, ValidationFailed):
            raise
        raise ValidationFailed({"file": [_("The file cannot be read: %s") % exc]}) from None
    if first is None:
        raise ValidationFailed({"file": [_("The file is empty.")]})
    headers = [c.strip() for c in first.cells]
    if first.problem:
        raise ValidationFailed({"file": [_("The header line %s") % first.problem]})
    if len(set(h for h in headers if h)) != len([h for h in headers if h]):
        raise ValidationFailed({"file": [_("Two columns have the same header.")]})
    return headers
