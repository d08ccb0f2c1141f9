"""The user-facing error shared by genesis/ and the node's CLI.

genesis/ raises it for bad options or unusable directories; `sprintd` (abci_app.cli) prints it as
one line with the fix (abci_app.cli.common.CliError is this class), so genesis never imports the CLI.
"""

from __future__ import annotations


class UserError(Exception):
    """A user-facing error: one sentence saying what is wrong and how to fix it."""
