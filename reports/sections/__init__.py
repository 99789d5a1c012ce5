"""The report's sections, in the order they are shown; each a module with one function over a window."""

from __future__ import annotations

from reports.sections import (
    alerts,
    compliance,
    disposal,
    duty_log,
    faults,
    footage,
    handovers,
    incidents,
    presence,
)
from reports.sections.base import Raw, SectionSpec, Window

__all__ = ["SECTIONS", "Raw", "SectionSpec", "Window"]

SECTIONS: tuple[SectionSpec, ...] = (
    alerts.SECTION,
    incidents.SECTION,
    disposal.SECTION,
    handovers.SECTION,
    duty_log.SECTION,
    presence.SECTION,
    faults.SECTION,
    footage.SECTION,
    compliance.SECTION,
)
