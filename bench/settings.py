"""Settings for benchmarks: built from the values given only, never from `CONTROLROOM_*` variables, so a
benchmark measures the same thing whatever the shell it runs in has set."""

from __future__ import annotations

from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from config.settings import Settings

__all__ = ["bench_settings"]


class _BenchSettings(Settings):
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
    """Settings from `values` and the defaults, ignoring the environment."""
    return _BenchSettings(**values)
