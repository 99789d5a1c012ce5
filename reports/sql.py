"""SQL expressions that read the same on SQLite and PostgreSQL: epoch seconds, greatest/least, percentiles."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, Select, String, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from db.base import UTCDateTime

__all__ = [
    "epoch",
    "epoch_int",
    "greatest",
    "least",
    "percentile",
    "percentiles",
    "ratio",
    "utc_hour",
    "when",
]


class epoch(FunctionElement[float]):
    """Seconds since 1970 of a UTC datetime column, as a float."""

    type = Float()
    inherit_cache = True


class epoch_int(FunctionElement[int]):
    """Whole seconds since 1970 (floored), exact on both databases (for bucketing)."""

    type = Integer()
    inherit_cache = True


class utc_hour(FunctionElement[str]):
    """The UTC hour of a datetime as text, `YYYY-MM-DD HH` (cheap to group by on both databases)."""

    type = String()
    inherit_cache = True


@compiles(utc_hour, "sqlite")
def _utc_hour_sqlite(element: utc_hour, compiler: SQLCompiler, **kw: Any) -> str:
    return f"substr({_args(element, compiler, **kw)}, 1, 13)"


@compiles(utc_hour, "postgresql")
def _utc_hour_pg(element: utc_hour, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({_args(element, compiler, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"


class greatest(FunctionElement[Any]):
    """The larger of its arguments (SQLite's scalar max)."""

    inherit_cache = True


class least(FunctionElement[Any]):
    """The smaller of its arguments (SQLite's scalar min)."""

    inherit_cache = True


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    return f"((julianday({_args(element, compiler, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch, "postgresql")
def _epoch_pg(element: epoch, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {_args(element, compiler, **kw)}) AS DOUBLE PRECISION)"


@compiles(epoch_int, "sqlite")
def _epoch_int_sqlite(element: epoch_int, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(strftime('%s', {_args(element, compiler, **kw)}) AS INTEGER)"


@compiles(epoch_int, "postgresql")
def _epoch_int_pg(element: epoch_int, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {_args(element, compiler, **kw)})) AS BIGINT)"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"max({_args(element, compiler, **kw)})"


@compiles(greatest)
def _greatest_default(element: greatest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"GREATEST({_args(element, compiler, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: SQLCompiler, **kw: Any) -> str:
    return f"min({_args(element, compiler, **kw)})"


@compiles(least)
def _least_default(element: least, compiler: SQLCompiler, **kw: Any) -> str:
    return f"LEAST({_args(element, compiler, **kw)})"


def when(moment: dt.datetime) -> ColumnElement[dt.datetime]:
    """A datetime bound as the UTC column type (so SQLite compares like with like)."""
    return literal(moment, UTCDateTime())


def ratio(part: int, whole: int) -> float | None:
    """part / whole rounded to 4 places, or None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def percentile(session: Session, values: Select[Any], fraction: float) -> float | None:
    """Nearest-rank percentile of the one-column `values` query: COUNT, then ORDER BY .. OFFSET k LIMIT 1."""
    sub = values.subquery()
    column = sub.c[0]
    count = session.scalar(select(func.count()).select_from(sub).where(column.is_not(None))) or 0
    if count == 0:
        return None
    rank = max(1, math.ceil(fraction * count))
    stmt = select(column).where(column.is_not(None)).order_by(column).offset(rank - 1).limit(1)
    value = session.scalar(stmt)
    return None if value is None else round(float(value), 3)


def percentiles(
    session: Session, column: Any, where: list[ColumnElement[bool]], fractions: list[float], count: int
) -> list[float | None]:
    """Nearest-rank percentiles of `column` over `count` non-NULL rows: one sort (ROW_NUMBER window)."""
    if count <= 0:
        return [None] * len(fractions)
    ranks = [max(1, math.ceil(fraction * count)) for fraction in fractions]
    number = func.row_number().over(order_by=column).label("rn")
    ranked = select(column.label("v"), number).where(*where, column.is_not(None)).subquery()
    rows = session.execute(select(ranked.c.rn, ranked.c.v).where(ranked.c.rn.in_(set(ranks))))
    found = {int(rn): v for rn, v in rows}
    return [None if found.get(rank) is None else round(float(found[rank]), 3) for rank in ranks]
