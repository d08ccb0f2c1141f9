"""`sprintd q sprint params | epoch [N] | weights | summary HOST | proofs HOST | validations HOST |
assignments VALIDATOR` (the last four take --epoch N, default the current epoch)."""

from __future__ import annotations

import base64

import click

from abci_app.cli.framework import call_query, proto_dict, query_command
from abci_app.client import NodeClient

epoch_option = click.option("--epoch", type=click.IntRange(min=0), default=None,
                            help="Epoch number [default: the current epoch].")


def _hex_bytes(data: dict, *fields: str) -> dict:
    """Show seed-like bytes fields as hex (protobuf JSON gives base64)."""
    for name in fields:
        if name in data:
            data[name] = base64.b64decode(data[name]).hex()
    return data


def _current_epoch(client: NodeClient, epoch: int | None) -> int:
    from sprint.sprint.v1 import query_pb2

    if epoch is not None:
        return epoch
    return call_query(client, "Epoch", query_pb2.QueryEpochRequest()).epoch.number


@click.group("sprint")
def sprint_group() -> None:
    """Sprint epochs, seeds, proofs, validations and weights."""


@query_command(sprint_group, "params")
def sprint_params_cmd(client):
    """The Sprint params (phase lengths, PoW config, thresholds, cap, slash fraction)."""
    from sprint.sprint.v1 import query_pb2

    return {"params": proto_dict(call_query(client, "Params", query_pb2.QueryParamsRequest()).params)}, None


@query_command(sprint_group, "epoch")
@click.argument("number", required=False, type=click.IntRange(min=0))
def sprint_epoch_cmd(client, number: int | None):
    """Epoch NUMBER (default: the current one): phase, block bounds and seeds (hex)."""
    from sprint.sprint.v1 import query_pb2

    request = query_pb2.QueryEpochRequest() if number is None else query_pb2.QueryEpochRequest(number=number)
    resp = call_query(client, "Epoch", request)
    epoch = {"number": str(resp.epoch.number), **_hex_bytes(proto_dict(resp.epoch), "seed", "validation_seed")}
    return {"epoch": epoch, "height": str(resp.height)}, None


@query_command(sprint_group, "weights")
def sprint_weights_cmd(client):
    """Every host's settled weight and CometBFT power."""
    from sprint.sprint.v1 import query_pb2

    resp = call_query(client, "Weights", query_pb2.QueryWeightsRequest())
    rows = [{"host": w.host, "weight": str(w.weight), "power": str(w.power)} for w in resp.weights]
    lines = [f"{r['host']}  weight {r['weight']}  power {r['power']}" for r in rows]
    lines.append(f"total weight {resp.total_weight}  total power {resp.total_power}")
    return {"weights": rows, "total_weight": str(resp.total_weight), "total_power": str(resp.total_power)}, lines


@query_command(sprint_group, "summary", addresses={"host": "host address"})
@click.argument("host")
@epoch_option
def sprint_summary_cmd(client, host: str, epoch: int | None):
    """HOST's (operator address) standing in an epoch: commit/reveal, nonces, votes, status."""
    from sprint.sprint.v1 import query_pb2

    request = query_pb2.QueryProofSummaryRequest(host=host)
    if epoch is not None:
        request.epoch = epoch
    return {"summary": proto_dict(call_query(client, "ProofSummary", request).summary)}, None


@query_command(sprint_group, "proofs", addresses={"host": "host address"})
@click.argument("host")
@epoch_option
def sprint_proofs_cmd(client, host: str, epoch: int | None):
    """HOST's submitted nonces and claimed distances (x 10^6) in an epoch, ascending by nonce."""
    from sprint.sprint.v1 import query_pb2

    number = _current_epoch(client, epoch)
    resp = call_query(client, "Proofs", query_pb2.QueryProofsRequest(epoch=number, host=host))
    rows = [{"nonce": str(n), "distance_micro": str(d)} for n, d in zip(resp.nonces, resp.distances)]
    lines = [f"nonce {r['nonce']}  distance_micro {r['distance_micro']}" for r in rows] or [
        f"no proofs from {host} in epoch {number}"]
    return {"epoch": str(number), "proofs": rows}, lines


@query_command(sprint_group, "validations", addresses={"host": "host address"})
@click.argument("host")
@epoch_option
def sprint_validations_cmd(client, host: str, epoch: int | None):
    """The votes cast on HOST's proofs in an epoch."""
    from sprint.sprint.v1 import query_pb2

    number = _current_epoch(client, epoch)
    resp = call_query(client, "Validations", query_pb2.QueryValidationsRequest(epoch=number, host=host))
    lines = [f"{v.validator}  {'approve' if v.approve else 'reject'}  checked {v.checked}  "
             f"mismatches {v.mismatches}  height {v.height}" for v in resp.validations] or [
        f"no votes on {host} in epoch {number}"]
    return {"epoch": str(number), "validations": [proto_dict(v) for v in resp.validations]}, lines


@query_command(sprint_group, "assignments", addresses={"validator": "validator address"})
@click.argument("validator")
@epoch_option
def sprint_assignments_cmd(client, validator: str, epoch: int | None):
    """The provers VALIDATOR (operator address) must check in an epoch."""
    from sprint.sprint.v1 import query_pb2

    number = _current_epoch(client, epoch)
    resp = call_query(client, "Assignments", query_pb2.QueryAssignmentsRequest(epoch=number, validator=validator))
    provers = list(resp.provers)
    return {"epoch": str(number), "provers": provers}, provers or [
        f"{validator} has no provers to check in epoch {number}"]


def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `q sprint`."""
    query_group.add_command(sprint_group)
