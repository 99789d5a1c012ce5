"""The `controlroom` command line. Each command group lives in its own module with `register(app)`."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Annotated

import typer

from runtime.cli.common import state

__all__ = ["app", "main"]

app = typer.Typer(
    name="controlroom",
    help="controlroom: video-monitoring control room service (cameras, alerts, duty log, footage).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Command-group modules, each with `register(app)`. Add a module here to add its commands.
_COMMAND_MODULES = (
    "runtime.cli.detect",
    "runtime.cli.admin",
    "runtime.cli.serve",
    "runtime.cli.camera",
    "runtime.cli.footage",
    "runtime.cli.shift_logs",
    "runtime.cli.reports",
    "runtime.cli.maintenance",
    "runtime.cli.secrets",
)


@app.callback()
def _root(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="YAML config file (default: $CONTROLROOM_CONFIG).",
            envvar="CONTROLROOM_CONFIG",
        ),
    ] = None,
) -> None:
    """controlroom: video-monitoring control room service (cameras, alerts, duty log, footage)."""
    state.config = config
    # force: onvif-zeep-async calls basicConfig(INFO) when imported
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", force=True)


for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Run the CLI (the `controlroom` console script)."""
    app()
