"""`sprintd tx training submit --wait`: follow a job until it is COMPLETED or FAILED.

On a terminal a live `rich` progress bar shows steps done (from the committed segments), the latest
loss, verified segments / total, the status and the host; elsewhere (logs, pipes) one line is
printed per change. Everything goes to stderr so `--output json` stays clean. Ctrl-C stops
following, never the job: it keeps running on chain and the command says how to follow it.
"""

from __future__ import annotations

import time

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from abci_app.cli.common import CliError
from abci_app.cli.training_view import FINAL_STATUSES, fetch_job, progress, status_name
from abci_app.client import NodeClient

POLL_SECONDS = 1.0


def describe(job) -> str:
    """loss / verified / status / host of `job`, one line."""
    now = progress(job)
    loss = f"{now.latest_loss:.4f}" if now.latest_loss is not None else "-"
    return (f"loss {loss}  verified {now.verified}/{now.segments}  "
            f"{status_name(job).removeprefix('TRAINING_JOB_STATUS_')}  host {job.host or '-'}")


def _poll(client: NodeClient, job_id: int, timeout: float, show) -> object:
    deadline = time.monotonic() + timeout
    while True:
        job = fetch_job(client, job_id)
        show(job)
        if status_name(job) in FINAL_STATUSES:
            return job
        if time.monotonic() >= deadline:
            raise CliError(f"job {job_id} is still {status_name(job)} after {timeout:g}s; it keeps running: follow "
                           f"it with `sprintd q training job {job_id}`")
        time.sleep(POLL_SECONDS)


def _bar(console: Console, client: NodeClient, job_id: int, timeout: float):
    columns = (TextColumn(f"job {job_id}"), BarColumn(), MofNCompleteColumn(), TextColumn("steps"),
               TextColumn("{task.fields[state]}"), TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("train", total=None, state="")

        def show(job) -> None:
            now = progress(job)
            bar.update(task, total=now.total_steps, completed=now.steps_done, state=describe(job))

        return _poll(client, job_id, timeout, show)


def _lines(console: Console, client: NodeClient, job_id: int, timeout: float, quiet: bool):
    last = [None]

    def show(job) -> None:
        now = progress(job)
        line = f"job {job_id}: step {now.steps_done}/{now.total_steps}  {describe(job)}"
        if line != last[0] and not quiet:
            console.print(line, highlight=False, soft_wrap=True)
        last[0] = line

    return _poll(client, job_id, timeout, show)


def follow_job(client: NodeClient, job_id: int, timeout: float, quiet: bool = False):
    """Poll job `job_id` until it is final (returned), showing progress on stderr; None after Ctrl-C."""
    console = Console(stderr=True)
    try:
        if console.is_terminal and not quiet:
            return _bar(console, client, job_id, timeout)
        return _lines(console, client, job_id, timeout, quiet)
    except KeyboardInterrupt:
        click.echo(f"\nstopped following job {job_id}; it keeps running on chain: follow it with "
                   f"`sprintd q training job {job_id}`", err=True)
        return None
