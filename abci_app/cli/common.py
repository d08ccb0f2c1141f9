"""Shared CLI pieces: the error type, default home, output formatting."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from genesis.errors import UserError

DEFAULT_HOME = os.environ.get("SPRINTD_HOME", str(Path.home() / ".sprintd"))


# A user-facing error: one sentence saying what is wrong and how to fix it. Defined in genesis/ so
# genesis can raise it without importing the CLI (abci_app imports genesis, never the reverse).
CliError = UserError


home_option = click.option(
    "--home", default=DEFAULT_HOME, show_default=True, type=click.Path(file_okay=False),
    help="Node home directory (CometBFT config + app data + keyring).",
)
output_option = click.option(
    "--output", "-o", type=click.Choice(["text", "json"]), default="text", show_default=True,
)
keyring_backend_option = click.option(
    "--keyring-backend", type=click.Choice(["file", "test"]), default="file", show_default=True,
    help="'file' is encrypted with a passphrase; 'test' stores keys UNENCRYPTED (dev only).",
)


def emit(data: dict | list, output: str, text_lines: list[str] | None = None) -> None:
    """Print a result as JSON or as readable text lines."""
    if output == "json":
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    if text_lines is None:
        text_lines = _to_text(data)
    for line in text_lines:
        click.echo(line)


def _to_text(data, indent: str = "") -> list[str]:
    lines: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)) and value:
                lines.append(f"{indent}{key}:")
                lines.extend(_to_text(value, indent + "  "))
            else:
                lines.append(f"{indent}{key}: {value}")
    elif isinstance(data, list):
        for item in data:
            sub = _to_text(item, indent + "  ")
            if sub:
                lines.append(f"{indent}- {sub[0].strip()}")
                lines.extend(sub[1:])
    else:
        lines.append(f"{indent}{data}")
    return lines


def run_cli(group: click.Group, argv: list[str] | None, prog_name: str) -> None:
    """Run a click group so that user mistakes print one line with the fix, never a traceback."""
    try:
        group.main(args=argv, standalone_mode=False, prog_name=prog_name)
    except CliError as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
