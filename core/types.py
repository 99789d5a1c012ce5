"""The input types every request schema and query parameter shares, so that no input can reach a 500.

- `UtcDateTime`: a datetime WITH a zone (a time without one is refused, naming the field: the API never
  guesses the site's zone), converted to UTC, between 1900-01-01 and 9000-01-01 UTC, so that calendar edges
  such as `0001-01-01T00:00:00+14:00` are refused rather than overflowing later.
- `RowId`: a positive id that fits a 32-bit database integer (larger ids are refused, never sent to the database).
- `Int32`: any other integer stored in a 32-bit column.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from annotated_types import Ge, Le
from pydantic import AfterValidator, AwareDatetime

__all__ = ["EARLIEST", "INT32_MAX", "LATEST", "Int32", "RowId", "UtcDateTime", "to_utc"]

INT32_MAX = 2**31 - 1
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def to_utc(value: dt.datetime) -> dt.datetime:
    """`value` (aware) in UTC; ValueError when it lies outside [EARLIEST, LATEST)."""
    try:
        utc = value.astimezone(dt.UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise ValueError(f"the time must lie between {EARLIEST.date()} and {LATEST.date()} (UTC)")
    return utc


UtcDateTime = Annotated[AwareDatetime, AfterValidator(to_utc)]
RowId = Annotated[int, Ge(1), Le(INT32_MAX)]
Int32 = Annotated[int, Ge(-INT32_MAX - 1), Le(INT32_MAX)]
