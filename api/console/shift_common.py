"""What the shift-log console pages share: redirects after a form, times typed in the site's zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from fastapi import Request
from fastapi.responses import RedirectResponse

from api.deps import get_context, now_of
from core.errors import Invalid

__all__ = ["back", "day_bounds", "from_local_input", "site_zone"]


def site_zone(request: Request) -> zoneinfo.ZoneInfo:
    """The site's time zone."""
    return zoneinfo.ZoneInfo(get_context(request).settings.site.timezone)


def back(path: str) -> RedirectResponse:
    """After a successful form: go (back) to `path`."""
    return RedirectResponse(path, status_code=303)


def from_local_input(request: Request, value: str, field: str) -> dt.datetime | None:
    """A `datetime-local` input (site time) as an aware UTC time; empty gives None."""
    if not value:
        return None
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise Invalid("not a date and time", field=field) from exc
    return naive.replace(tzinfo=site_zone(request)).astimezone(dt.UTC)


def day_bounds(request: Request, day: str | None) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """The local day `day` (YYYY-MM-DD, default today) and its start and end in UTC."""
    zone = site_zone(request)
    try:
        date = dt.date.fromisoformat(day) if day else now_of(request).astimezone(zone).date()
    except ValueError as exc:
        raise Invalid("not a date (YYYY-MM-DD)", field="day") from exc
    start = dt.datetime.combine(date, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    return date, start, start + dt.timedelta(days=1)
