"""`sprint-worker`: the host's compute process. It follows its node's blocks (server-streaming
subscription), takes part in the Sprint with torch, and signs its txs with the worker key."""

from __future__ import annotations

import click

from abci_app.cli.common import CliError, home_option, keyring_backend_option, run_cli
from abci_app.cli.query_cmd import resolve_node
from abci_app.cli.tx_cmd import resolve_chain_id


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """sprintchain worker process."""


@cli.command("start")
@home_option
@click.option("--key", "key_name", required=True, help="Keyring name of the worker's signing key.")
@keyring_backend_option
@click.option("--node", default=None, help="Node gRPC address [default: from <home>/config/app.toml].")
@click.option("--chain-id", default=None)
@click.option("--max-blocks", type=int, default=0, help="Stop after following this many blocks (0 = run until Ctrl-C).")
@click.option("--threads", type=int, default=0, help="Torch CPU threads (0 = all cores).")
@click.option("--device", default="auto", help="cpu, cuda or auto (cuda with bf16 when present).")
@click.option("--state-file", default=None, help="[default: <home>/worker/sprint-state.json]")
@click.option("--no-inference", is_flag=True, help="Take part in the Sprint only: no inference jobs or checks.")
@click.option("--inference-dtype", type=click.Choice(["auto", "fp32", "bf16"]), default="auto", show_default=True,
              help="Precision of executed jobs (auto = bf16 on CUDA, else fp32); checks always use fp32.")
@click.option("--no-training", is_flag=True, help="No training jobs or training verification.")
@click.option("--precision", type=click.Choice(["auto", "fp32", "bf16"]), default="auto", show_default=True,
              help="Precision of training jobs (auto = bf16 on CUDA, else fp32); re-executions always use fp32.")
@click.option("--data-parallel", "data_parallel", type=int, default=1, show_default=True, metavar="N",
              help="Run DiLoCo inner steps data-parallel over N local processes (CUDA: N GPUs with nccl; "
                   "CPU: N gloo processes).")
@click.option("--cheat", default=None, hidden=True,
              help="TEST ONLY: 'fabricate', 'inflate N%', 'smaller-model', 'prefill', or a training cheat "
                   "('skip-intervals N%', 'truncated-batch', 'stale-gradient', 'noise', 'low-precision') - "
                   "to show that validators catch cheats.")
@click.option("--metrics-address", default=None, envvar="SPRINT_WORKER_METRICS_ADDRESS", metavar="HOST:PORT",
              help="Serve Prometheus metrics at http://HOST:PORT/metrics (default: off; no HOST = 127.0.0.1).")
def start(home, key_name, keyring_backend, node, chain_id, max_blocks, threads, device, state_file,
          no_inference, inference_dtype, no_training, precision, data_parallel, cheat, metrics_address) -> None:
    """Take part in the Sprint (commit/reveal seed shares, search and submit nonces, validate peers)
    and in inference (execute drawn jobs, spot-check and re-verify others' results)."""
    # first of all: a SIGTERM during startup (torch import, connecting) must not be lost
    training = None if no_training else precision
    stoppable(lambda stop: _start(stop, home, key_name, keyring_backend, node, chain_id, max_blocks, threads,
                                  device, state_file, no_inference, inference_dtype, cheat, metrics_address,
                                  training=training, data_parallel=data_parallel))


def stoppable(body) -> None:
    """Run `body(stop)` with SIGTERM handled by a StopOnSigterm `stop`; Ctrl-C, or a SIGTERM before
    the agent follows blocks, ends it with "stopping" (exit status 0)."""
    with StopOnSigterm() as stop:
        try:
            body(stop)
        except KeyboardInterrupt:
            click.echo("stopping")


def _start(stop, home, key_name, keyring_backend, node, chain_id, max_blocks, threads, device, state_file,
           no_inference, inference_dtype, cheat, metrics_address=None, training: str | None = None,
           data_parallel: int = 1) -> None:
    from abci_app.client import NodeError
    from abci_app.keyring import Keyring, KeyringError
    from worker.agent.cheat import parse_cheat
    from worker.agent.training_options import parse_training_cheat
    from worker.node_client import WorkerIdentity, WorkerNodeClient

    try:
        training_cheat = parse_training_cheat(cheat)
        cheat_mode = None if training_cheat is not None else parse_cheat(cheat)
    except ValueError as err:
        raise CliError(str(err)) from err
    if training_cheat is not None and training is None:
        raise CliError(f"--cheat {training_cheat.mode} is a training cheat; it needs training (drop --no-training)")
    check_data_parallel_flag(data_parallel, training)
    try:
        key = Keyring(home, backend=keyring_backend).signing_key(key_name)
    except KeyringError as err:
        raise CliError(str(err)) from err
    identity = WorkerIdentity(key, resolve_chain_id(chain_id, home))
    client = WorkerNodeClient(resolve_node(node, home), identity)
    try:
        if not client.account_exists():
            raise CliError(f"worker account {identity.address} has no funds on chain; send it some usprint first")
        click.echo(f"worker {identity.address} connected to {client.node.address}, balance {client.balance()}usprint")
        _run_agent(client, key, identity.chain_id, home, state_file, cheat_mode, threads, device, max_blocks,
                   inference=not no_inference, inference_dtype=inference_dtype, stop=stop,
                   metrics_address=metrics_address, training=training, training_cheat=training_cheat,
                   data_parallel=data_parallel)
    except NodeError as err:
        raise CliError(str(err)) from err
    finally:
        client.close()


SPRINT_CHEATS = ("fabricate", "inflate")


def _run_agent(client, key, chain_id, home, state_file, cheat, threads, device, max_blocks, *,
               inference: bool = True, inference_dtype: str = "auto", stop: "StopOnSigterm",
               metrics_address: str | None = None, training: str | None = None, training_cheat=None,
               data_parallel: int = 1) -> None:
    from pathlib import Path

    from worker.agent.follower import BlockFollower
    from worker.agent.sprint_agent import NotAHost, SprintAgent
    from worker.metrics import WorkerMetrics
    from worker.torch_setup import choose_device

    try:
        device = choose_device(device, threads)
    except ValueError as err:
        raise CliError(str(err)) from err
    dp_plan = data_parallel_plan(data_parallel, device)
    state_path = Path(state_file) if state_file else Path(home).expanduser() / "worker" / "sprint-state.json"
    try:
        sprint_cheat = cheat if cheat is not None and cheat.mode in SPRINT_CHEATS else None
        agent = SprintAgent(client.node, key, chain_id, state_path, cheat=sprint_cheat, device=device,
                            echo=lambda text: click.echo(text), metrics=WorkerMetrics())
    except NotAHost as err:
        raise CliError(str(err)) from err
    if cheat is not None:
        click.echo(f"WARNING: cheating mode {cheat.mode} {cheat.percent or ''} (test only)")
    if inference:
        _attach_inference(agent, client, state_path, home, device, inference_dtype, cheat)
    elif cheat is not None and cheat.mode not in SPRINT_CHEATS:
        raise CliError(f"--cheat {cheat.mode} is an inference cheat; it needs inference (drop --no-inference)")
    if training is not None:
        _attach_training(agent, client, state_path, home, device, training, training_cheat, dp_plan)
    click.echo(f"host {agent.operator} on {device}; state in {state_path}")
    metrics_server = _serve_metrics(agent.metrics, metrics_address) if metrics_address else None
    try:
        follower = BlockFollower(client.node.address)
        follower.start()
        follow(agent, follower, max_blocks, stop)
    finally:
        if agent.training is not None:
            agent.training.close()  # cancel background torch work: exit does not wait for an interval
        if metrics_server is not None:
            metrics_server.stop()


def _attach_inference(agent, client, state_path, home, device, inference_dtype: str, cheat) -> None:
    """Give `agent` its inference executor/checker (an inference --cheat goes to it)."""
    from pathlib import Path

    from worker.agent.inference_agent import attach

    inference_cheat = cheat if cheat is not None and cheat.mode not in SPRINT_CHEATS else None
    try:
        attach(agent, client.node.address, state_path, device=device, dtype=inference_dtype,
               cheat=inference_cheat, cache_dir=Path(home).expanduser() / "worker" / "blobs",
               echo=lambda text: click.echo(text))
    except ValueError as err:
        raise CliError(str(err)) from err
    click.echo(f"inference on: jobs executed in {agent.inference.runtime.dtype}, checks in fp32")


def check_data_parallel_flag(ranks: int, training: str | None) -> None:
    """`--data-parallel N` before anything starts: N >= 1, and N > 1 only with training (it runs
    the DiLoCo inner steps). CliError (one line) otherwise."""
    if ranks < 1:
        raise CliError(f"--data-parallel {ranks}: must be at least 1")
    if ranks > 1 and training is None:
        raise CliError(f"--data-parallel {ranks} runs DiLoCo inner steps; it needs training (drop --no-training)")


def data_parallel_plan(ranks: int, device: str):
    """The DataParallel plan for `--data-parallel ranks` on the chosen device; CliError (one line)
    for more ranks than local CUDA devices."""
    from worker.agent.data_parallel import plan_for_host

    try:
        return plan_for_host(ranks, device)
    except ValueError as err:
        raise CliError(str(err)) from err


def _attach_training(agent, client, state_path, home, device, precision: str, cheat_spec, data_parallel=None) -> None:
    """Give `agent` its training prover/verifier (a training --cheat goes to it)."""
    from pathlib import Path

    from worker.agent.training_agent import attach
    from worker.agent.training_options import resolve_precision

    try:
        precision = resolve_precision(precision, device)
        cheat = cheat_spec.build() if cheat_spec is not None else None
    except ValueError as err:
        raise CliError(str(err)) from err
    attach(agent, client.node.address, state_path, device=device, precision=precision, cheat=cheat,
           cache_dir=Path(home).expanduser() / "worker" / "blobs", echo=lambda text: click.echo(text),
           data_parallel=data_parallel)
    if cheat is not None:
        click.echo(f"WARNING: training cheat {cheat.mode} on {cheat.fraction_ppm / 10_000:g}% of intervals (test only)")
    click.echo(f"training on: jobs trained in {precision}, re-executions in fp32")
    if data_parallel is not None and data_parallel.enabled:
        click.echo(f"DiLoCo inner steps data-parallel over {data_parallel.ranks} {data_parallel.backend} processes")


def _serve_metrics(metrics, address: str):
    """Serve the worker's metrics at http://address/metrics (a daemon thread; `stop()` it)."""
    from abci_app.metrics import MetricsBindError
    from worker.metrics import serve

    try:
        server = serve(metrics, address)
    except MetricsBindError as err:
        raise CliError(f"{err} (--metrics-address)") from err
    click.echo(f"metrics at http://{address}/metrics")
    return server


def _exit_during_startup() -> None:
    """Exit 0 now: nothing is saved before the agent follows blocks. Raising KeyboardInterrupt here
    could land inside a C extension's first import (torch), leaving it half-initialised; its
    teardown at interpreter exit then crashed the process (exit 139 seen under `docker compose stop`)."""
    import os
    import sys

    click.echo("stopping")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class StopOnSigterm:
    """SIGTERM (`docker compose stop`, `sprintd testnet stop`, systemd) stops the worker like Ctrl-C.
    Before the agent follows blocks (startup: torch import, connecting) it raises KeyboardInterrupt
    at once: there is no state to save yet. Once `attach(follower)` was called it stops the agent at
    its next safe point instead: the handler sets a flag that `agent.run` checks between blocks and
    search chunks, and wakes the follower's wait. A second SIGTERM interrupts at once.

    Without a handler a worker running as a container's PID 1 ignores SIGTERM (the kernel drops
    default-action signals to PID 1) and is SIGKILLed after the grace period."""

    def __init__(self):
        self._follower = None
        self._requested = False
        self._previous = None

    def requested(self) -> bool:
        return self._requested

    def attach(self, follower) -> None:
        """From now on a SIGTERM stops the agent gracefully (and wakes `follower`)."""
        self._follower = follower

    def _handle(self, signum, frame) -> None:  # noqa: ARG002 - signal handler signature
        graceful = not self._requested and self._follower is not None
        self._requested = True
        if self._follower is None:
            _exit_during_startup()
        if not graceful:
            raise KeyboardInterrupt
        self._follower.stop()  # wake wait_beyond now instead of after its timeout

    def __enter__(self) -> "StopOnSigterm":
        import signal

        self._previous = signal.signal(signal.SIGTERM, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        import signal

        signal.signal(signal.SIGTERM, self._previous)


def follow(agent, follower, max_blocks: int, stop: StopOnSigterm) -> None:
    """Run the agent over the follower's blocks until `max_blocks`, Ctrl-C or SIGTERM; after a
    SIGTERM or `max_blocks` the state file is saved once more (the agent is between steps then).
    Ctrl-C (or a second SIGTERM) mid-step raises KeyboardInterrupt: the state file already holds
    everything saved before that point."""
    stop.attach(follower)
    try:
        agent.run(follower, max_blocks=max_blocks, stop=stop.requested)
        agent.state.save()
        if stop.requested():
            click.echo(f"stopping (SIGTERM): state saved in {agent.state.path}")
    finally:
        follower.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `sprint-worker` console script."""
    run_cli(cli, argv, "sprint-worker")


if __name__ == "__main__":
    main()
