"""Settings for benchmarks, built from the values a benchmark gives and nothing else.

A benchmark never reads `CONTROLROOM_*` or a config file: with `CONTROLROOM_DATABASE__URL` set on a site's
machine, the service's settings would point a benchmark's fake alerts and users at the real database.
"""

from __future__ import annotations

from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from config.settings import Settings

__all__ = ["bench_settings"]


class _OnlyGiven(Settings):
    """The service's settings model, with the environment and dotenv sources switched off."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the values passed in."""
        return (init_settings,)


def bench_settings(**values: Any) -> Settings:
    """Settings from `values` and the defaults only (never the environment or a config file)."""
    return _OnlyGiven(**values)
