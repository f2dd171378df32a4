"""CSV cells that a spreadsheet will not run as formulas, and rows written one at a time.

Journalists type the text we export; a cell such as ``=HYPERLINK(...)`` would become a live
formula once a manager opens the file in a spreadsheet. Text that starts with a character a
spreadsheet treats as a formula lead-in gets a single quote in front, which the spreadsheet
shows as plain text. Numbers are left alone so that ``-3`` stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

# Leading characters that Excel, LibreOffice and Google Sheets read as the start of a formula
# (tab and carriage return because some of them strip leading whitespace before deciding).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The text for one CSV cell: None is empty, formula-like text gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_LEADS):
        return "'" + text
    return text


def csv_rows(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Yield each row as one CSV-encoded line (ending in CRLF), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
        # Reuse one buffer rather than build a new one per row: exports can be long.
        buffer.seek(0)
        buffer.truncate(0)
