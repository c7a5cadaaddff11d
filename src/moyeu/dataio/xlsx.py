"""A streaming XLSX writer for exports: one sheet of inline strings and numbers.

xlsxwriter's ``constant_memory`` mode costs ~5 µs of Python per cell (argument checks, a
cell object, the XML writer's calls), ~35 s for the 6 x 10⁶ cells of a 10⁶-row export before
anything is read. Exports need none of its features (formats, formulas, shared strings), so
this writer builds each row's XML in one string and streams the sheet into the zip: the
same cells as xlsxwriter wrote them (inline strings, control characters as ``_xHHHH_``,
``xml:space="preserve"`` around outer spaces, strings cut at Excel's 32,767 characters).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

# Excel's limits: rows per sheet (the header included) and characters per cell.
MAX_ROWS = 1_048_576
MAX_STRING = 32_767

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_PACKAGE}/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_OFFICE}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}

# What needs more than a plain copy: XML's reserved characters, control characters and
# non-characters (not allowed in XML 1.0: written as Excel's _xHHHH_ escapes), a literal
# "_xHHHH_" (escaped so that Excel does not decode it), and outer whitespace.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_OUTER_SPACE = re.compile(r"^\s|\s$")


def _string_xml(value: str) -> str:
    """The ``<is>`` content of a string cell."""
    if len(value) > MAX_STRING:
        value = value[:MAX_STRING]
    if not _SPECIAL.search(value):
        return f"<is><t>{value}</t></is>"
    value = _ESCAPE.sub(r"_x005F\1", value)
    value = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", value)
    value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = _OUTER_SPACE.search(value) is not None
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if preserve:
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def column_letters(count: int) -> list[str]:
    letters: list[str] = []
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, remainder = divmod(number - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


class SheetWriter:
    """Writes rows of strings and numbers (ints, floats) to a one-sheet workbook.

    Empty strings are left out (empty cells) and so are rows without a cell, as with
    xlsxwriter. Values of other types must be turned into strings by the caller. The rows go
    to a temporary file next to ``path`` first: the sheet's ``<dimension>`` (which readers use
    to size rows) comes before them and is known only at the end.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.body: IO[bytes] = tempfile.TemporaryFile(dir=path.parent)  # noqa: SIM115 - closed by close() / abort()
        self.rows = 0
        self.last_row = -1  # 0-based, of the last row with a cell
        self.last_column = -1
        self.letters: list[str] = []

    def write_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        if self.rows + len(rows) > MAX_ROWS:
            raise ValueError(f"An XLSX sheet holds at most {MAX_ROWS:,} rows.")
        width = max((len(cells) for cells in rows), default=0)
        if width > len(self.letters):
            self.letters = column_letters(width)
        letters = self.letters
        parts: list[str] = []
        number = self.rows
        last_column = self.last_column
        for cells in rows:
            number += 1
            row: list[str] = []
            for column, value in enumerate(cells):
                if isinstance(value, str):
                    if not value:
                        continue
                    row.append(
                        f'<c r="{letters[column]}{number}" t="inlineStr">{_string_xml(value)}</c>'
                    )
                elif isinstance(value, bool) or not isinstance(value, int | float):
                    raise TypeError(f"Cell {letters[column]}{number}: {type(value).__name__}")
                else:
                    row.append(f'<c r="{letters[column]}{number}"><v>{value:.16G}</v></c>')
                if column > last_column:
                    last_column = column
            if row:
                parts.append(f'<row r="{number}">{"".join(row)}</row>')
                self.last_row = number - 1
        self.rows = number
        self.last_column = last_column
        self.body.write("".join(parts).encode())

    def dimension(self) -> str:
        if self.last_row < 0:
            return "A1"
        end = f"{column_letters(self.last_column + 1)[-1]}{self.last_row + 1}"
        return "A1" if end == "A1" else f"A1:{end}"

    def close(self) -> None:
        try:
            with zipfile.ZipFile(
                self.path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
            ) as package:
                for name, body in _PARTS.items():
                    package.writestr(name, _HEAD + body)
                with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                    sheet.write(
                        f'{_HEAD}<worksheet xmlns="{_MAIN}"><dimension ref="{self.dimension()}"/>'
                        "<sheetData>".encode()
                    )
                    self.body.seek(0)
                    shutil.copyfileobj(self.body, sheet, 1 << 20)
                    sheet.write(b"</sheetData></worksheet>")
        finally:
            self.body.close()

    def abort(self) -> None:
        self.body.close()
