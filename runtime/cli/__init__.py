"""The `controlroom` command line. Each command group lives in its own module with `register(app)`.

The modules are imported only when one of their commands runs (or its own `--help` is asked for), so that
`controlroom --help` answers without loading SQLAlchemy, PyAV, OpenCV or the web stack.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from runtime.cli.state import state

EXIT_USAGE = 2

__all__ = ["COMMANDS", "LazyGroup", "app", "main"]

# Command name -> (module with `register(app)`, one-line help shown by `controlroom --help`).
# Add a module's commands here to add them to the CLI.
COMMANDS: dict[str, tuple[str, str]] = {
    "detect": (
        "runtime.cli.detect",
        "Detect motion and tampering in a video file; print one event per line.",
    ),
    "db": ("runtime.cli.admin", "Database schema."),
    "user": ("runtime.cli.admin", "User accounts."),
    "audit": ("runtime.cli.admin", "The tamper-evident audit log."),
    "serve": ("runtime.cli.serve", "Run the web service (console and API) with the configured database."),
    "demo": (
        "runtime.cli.serve",
        "Start a self-contained demo: SQLite in a local folder, sample users, built-in demo cameras.",
    ),
    "camera": ("runtime.cli.camera", "Cameras: add and list them, test a stream, discover ONVIF devices."),
    "export": ("runtime.cli.footage", "Sealed footage exports."),
    "footage": ("runtime.cli.footage", "Recorded footage: retention and exports."),
    "log": ("runtime.cli.shift_logs", "The duty log and the shift rules."),
    "report": (
        "runtime.cli.reports",
        "Compute the report for a period (beside the previous one) and write it as CSV, HTML or PDF.",
    ),
    "faults": ("runtime.cli.maintenance", "Equipment faults (R9)."),
    "maintenance": ("runtime.cli.maintenance", "Equipment maintenance jobs."),
    "secrets": ("runtime.cli.secrets", "The server secret (auth.secret_key)."),
}


class LazyGroup(TyperGroup):
    """The root group: lists every command from `COMMANDS` and imports a command's module only to run it."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: set[str] = set()
        for name, (_module, help_text) in COMMANDS.items():
            self.commands.setdefault(name, TyperCommand(name=name, help=help_text))

    def load(self, name: str) -> None:
        """Import the module behind `name` and put its real commands in place of the placeholders."""
        module = COMMANDS[name][0]
        if module in self._loaded:
            return
        holder = typer.Typer()
        importlib.import_module(module).register(holder)
        group = typer.main.get_group(holder)
        self.commands.update(group.commands)
        self._loaded.add(module)

    def load_all(self) -> None:
        """Import every command module (for tests that walk the whole command tree)."""
        for name in COMMANDS:
            self.load(name)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        if args and args[0] in COMMANDS:
            self.load(args[0])
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="controlroom",
    cls=LazyGroup,
    help="controlroom: video-monitoring control room service (cameras, alerts, duty log, footage).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
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
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Folder of the SQLite database, keys and footage (default: ./data).",
            envvar="CONTROLROOM_DATA_DIR",
        ),
    ] = None,
) -> None:
    """controlroom: video-monitoring control room service (cameras, alerts, duty log, footage)."""
    state.config = config
    state.data_dir = data_dir
    # force: onvif-zeep-async calls basicConfig(INFO) when imported
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", force=True)


def main() -> None:
    """Run the CLI (the `controlroom` console script); a bad argument is one line on stderr and exit 2."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:
        exc.show()
        raise SystemExit(EXIT_USAGE) from None
    except UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "controlroom"
        message = " ".join(exc.format_message().split())
        typer.echo(f"error: {where}: {message} (see `{where} --help`)", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except ClickException as exc:
        typer.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    raise SystemExit(code if isinstance(code, int) else 0)
