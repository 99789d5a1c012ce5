"""Options given before the command (`controlroom --config FILE ...`); kept free of heavy imports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["CliState", "state"]


@dataclass
class CliState:
    """Options given before the command (`controlroom --config FILE ...`)."""

    config: Path | None = None
    data_dir: Path | None = None


state = CliState()
