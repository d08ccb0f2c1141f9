"""`sprintd tx gov submit-proposal param-change|vault-spend|training-grant`, `tx gov deposit ID AMOUNT`,
`tx gov vote ID yes|no|abstain|veto`, and `sprintd q gov proposals|proposal ID|tally ID|votes ID|params`.

Inputs are checked locally first (module names, field names, addresses, amounts, vote options, a
training job against the chain's training params and its base model): one sentence with the fix."""

from __future__ import annotations

import importlib
import json

import click

from abci_app.cli.common import CliError
from abci_app.cli.framework import call_query, pack, proto_dict, query_command, tx_command
from abci_app.cli.nodes import check_address
from abci_app.cli.txargs import DENOM, parse_amount

FROM_HELP = "Keyring key (name or address) that signs (and pays the deposit)."
OPTIONS = ("yes", "no", "abstain", "veto")
STATUSES = ("deposit", "signal_voting", "timelock", "execution_voting", "passed", "enacted", "rejected", "vetoed",
            "expired", "failed_enactment")


def _param_modules() -> tuple[str, ...]:
    from chain.modules.registry import GOV_PARAM_MODULES

    return GOV_PARAM_MODULES


@click.group("gov")
def gov_tx() -> None:
    """Submit governance proposals, deposit on them and vote."""


@click.group("submit-proposal")
def submit_group() -> None:
    """Submit a proposal: param-change, vault-spend or training-grant (with its deposit)."""


gov_tx.add_command(submit_group)


def _module_fields(module: str) -> set[str]:
    if module not in _param_modules():
        raise CliError(f"unknown --module {module!r}; one of {', '.join(_param_modules())}")
    params = importlib.import_module(f"chain.modules.{module}.params").default_params()
    return {f.name for f in params.DESCRIPTOR.fields}


def parse_sets(module: str, sets: tuple[str, ...]) -> list[tuple[str, str]]:
    """--set field=value pairs, the field checked against the module's Params."""
    fields = _module_fields(module)
    pairs = []
    for item in sets:
        field, sep, value = item.partition("=")
        if not sep or not field or value == "":
            raise CliError(f"bad --set {item!r}: write field=value, e.g. --set expiry_blocks=40")
        if field.split(".")[0] not in fields:
            raise CliError(f"{module} params have no field {field!r}; see `sprintd q {module} params`")
        pairs.append((field, value))
    return pairs


def _proposal_msg(signer: str, kind: int, title: str, summary: str, deposit: int, **content):
    from sprint.common.v1.coin_pb2 import Coin
    from sprint.gov.v1 import tx_pb2

    msg = tx_pb2.MsgSubmitProposal(proposer=signer, type=kind, title=title, summary=summary,
                                   initial_deposit=Coin(denom=DENOM, amount=str(deposit)), **content)
    return pack(msg)


def _common(func):
    func = click.option("--deposit", required=True, help="Initial deposit, like 10000000000usprint.")(func)
    func = click.option("--summary", default="", help="What the proposal does and why.")(func)
    return click.option("--title", default="", help="One-line title.")(func)


@tx_command(submit_group, "param-change", from_help=FROM_HELP)
@click.option("--module", "module", required=True, help="Module whose params change (inference, staking, ...).")
@click.option("--set", "sets", multiple=True, help="field=value (repeatable), e.g. --set expiry_blocks=40.")
@click.option("--params-json", default=None, help="The module's full new Params as proto JSON (instead of --set).")
@_common
def param_change_cmd(ctx, module: str, sets: tuple[str, ...], params_json: str | None, title: str, summary: str,
                     deposit: str):
    """Propose new params for MODULE: --set field=value ..., or --params-json '{...}'."""
    from sprint.gov.v1.gov_pb2 import PROPOSAL_TYPE_PARAM_CHANGE, ParamChange, ParamSet

    if bool(sets) == bool(params_json):
        raise CliError("give either --set field=value (repeatable) or --params-json, not both and not neither")
    pairs = parse_sets(module, sets) if sets else []
    if params_json:
        _module_fields(module)
        try:
            if not isinstance(json.loads(params_json), dict):
                raise ValueError("not an object")
        except ValueError as err:
            raise CliError(f"--params-json is not a JSON object ({err}); e.g. '{{\"expiry_blocks\": 40}}'") from None
    change = ParamChange(module=module, params_json=params_json or "",
                         changes=[ParamSet(field=f, value=v) for f, v in pairs])
    amount = parse_amount(deposit, "--deposit")
    return lambda signer: [_proposal_msg(signer, PROPOSAL_TYPE_PARAM_CHANGE, title or f"{module} params", summary,
                                         amount, param_change=change)]


@tx_command(submit_group, "vault-spend", from_help=FROM_HELP)
@click.option("--recipient", required=True, help="Account that receives the spend.")
@click.option("--amount", required=True, help="Amount paid from the community vault, like 5000000usprint.")
@_common
def vault_spend_cmd(ctx, recipient: str, amount: str, title: str, summary: str, deposit: str):
    """Propose paying AMOUNT from the community vault to RECIPIENT."""
    from sprint.common.v1.coin_pb2 import Coin
    from sprint.gov.v1.gov_pb2 import PROPOSAL_TYPE_VAULT_SPEND, VaultSpend

    check_address(recipient, "--recipient")
    spend = VaultSpend(recipient=recipient, amount=Coin(denom=DENOM, amount=str(parse_amount(amount, "--amount"))))
    value = parse_amount(deposit, "--deposit")
    return lambda signer: [_proposal_msg(signer, PROPOSAL_TYPE_VAULT_SPEND, title or "community vault spend",
                                         summary, value, vault_spend=spend)]


@tx_command(submit_group, "training-grant", from_help=FROM_HELP)
@click.option("--model", required=True, help="Registered base model (see `sprintd q inference models`).")
@click.option("--dataset-file", required=True, type=click.Path(dir_okay=False), help="Training text (bytes = tokens).")
@click.option("--steps", type=int, required=True, help="Total optimizer steps.")
@click.option("--batch-size", type=int, required=True)
@click.option("--lr", required=True, help="AdamW learning rate, e.g. 3e-4.")
@click.option("--output-model", required=True, help="Name the trained model is registered under (owned by --from).")
@click.option("--budget", required=True, metavar="AMOUNTusprint", help="Budget the training fund pays (>= the cost).")
@click.option("--seq-len", type=int, default=None, help="Tokens per row [default: min(64, model max_seq_len)].")
@click.option("--checkpoint-interval", type=int, default=None, help="Steps per interval [default: the chain's].")
@click.option("--beta1", default="0.9", show_default=True)
@click.option("--beta2", default="0.999", show_default=True)
@click.option("--eps", default="1e-8", show_default=True)
@click.option("--weight-decay", default="0.01", show_default=True)
@_common
def training_grant_cmd(ctx, model, dataset_file, steps, batch_size, lr, output_model, budget, seq_len,
                       checkpoint_interval, beta1, beta2, eps, weight_decay, title, summary, deposit):
    """Propose a training job paid from the training fund; the dataset is put on the node's blob service."""
    from sprint.gov.v1.gov_pb2 import PROPOSAL_TYPE_TRAINING_GRANT

    from abci_app.blobs.store import DEFAULT_MAX_BLOB_BYTES, sha256_hex
    from abci_app.cli.blobs_cmd import signed_put
    from abci_app.cli.training_cmd import _ensure_dataset, submit_message
    from abci_app.cli.training_input import JobInput, parse_nano, read_dataset

    fee, value = parse_amount(budget, "--budget"), parse_amount(deposit, "--deposit")
    job = JobInput(model, output_model, 0, steps, batch_size, seq_len, checkpoint_interval, parse_nano(lr, "--lr"),
                   parse_nano(beta1, "--beta1"), parse_nano(beta2, "--beta2"), parse_nano(eps, "--eps"),
                   parse_nano(weight_decay, "--weight-decay"), 0, 0, 0)
    data = read_dataset(dataset_file, DEFAULT_MAX_BLOB_BYTES)
    job.dataset_size, sha256 = len(data), sha256_hex(data)
    node = ctx.node_address()

    def messages_for(signer: str):
        with ctx.client(node) as client:
            body = submit_message(client, signer, job, sha256, fee)
        _ensure_dataset(node, data, sha256,
                        lambda blob: signed_put(node, blob, ctx.from_key, ctx.home, ctx.keyring_backend, ctx.chain_id))
        return [_proposal_msg(signer, PROPOSAL_TYPE_TRAINING_GRANT, title or f"training grant: {output_model}",
                              summary, value, training_grant=body)]

    return messages_for


def parse_id(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise CliError(f"bad proposal id {text!r}: a positive integer, see `sprintd q gov proposals`")
    return int(text)


@tx_command(gov_tx, "deposit", from_help=FROM_HELP)
@click.argument("proposal_id")
@click.argument("amount")
def deposit_cmd(ctx, proposal_id: str, amount: str):
    """Add AMOUNT to the deposit of proposal PROPOSAL_ID (while it is in its deposit period)."""
    from sprint.common.v1.coin_pb2 import Coin
    from sprint.gov.v1 import tx_pb2

    pid, value = parse_id(proposal_id), parse_amount(amount)
    return lambda signer: [pack(tx_pb2.MsgDeposit(depositor=signer, proposal_id=pid,
                                                  amount=Coin(denom=DENOM, amount=str(value))))]


@tx_command(gov_tx, "vote", from_help=FROM_HELP)
@click.argument("proposal_id")
@click.argument("option")
def vote_cmd(ctx, proposal_id: str, option: str):
    """Vote OPTION (yes, no, abstain, veto) in the open vote of PROPOSAL_ID, once per stage."""
    from sprint.gov.v1 import tx_pb2
    from sprint.gov.v1.gov_pb2 import VoteOption

    pid = parse_id(proposal_id)
    if option.lower() not in OPTIONS:
        raise CliError(f"bad vote option {option!r}: one of {', '.join(OPTIONS)}")
    value = VoteOption.Value("VOTE_OPTION_" + option.upper())
    return lambda signer: [pack(tx_pb2.MsgVote(voter=signer, proposal_id=pid, option=value))]


@click.group("gov")
def gov_query() -> None:
    """Proposals, votes, tallies and gov params."""


def _short(name: str, prefix: str) -> str:
    return name.removeprefix(prefix).lower()


def proposal_lines(p: dict) -> list[str]:
    status = _short(p.get("status", ""), "PROPOSAL_STATUS_")
    lines = [f"proposal {p.get('id')}: {_short(p.get('type', ''), 'PROPOSAL_TYPE_')} {status} "
             f"(deposit {p.get('total_deposit', '0')}{DENOM}) {p.get('title', '')}".rstrip()]
    for label, key in (("signal vote", "signal"), ("execution vote", "execution")):
        if p.get(f"{key}_start_height"):
            lines.append(f"  {label}: heights {p[f'{key}_start_height']}..{p[f'{key}_end_height']}")
    if p.get("timelock_end_height"):
        lines.append(f"  timelock ends at height {p['timelock_end_height']}")
    if p.get("enact_height"):
        lines.append(f"  enact height: {p['enact_height']}")
    if p.get("reason"):
        lines.append(f"  reason: {p['reason']}")
    return lines


@query_command(gov_query, "proposals")
@click.option("--status", default=None, help=f"Only proposals in this status ({', '.join(STATUSES)}).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000))
def proposals_query_cmd(client, status: str | None, limit: int):
    """Proposals in ascending id."""
    from sprint.gov.v1 import query_pb2
    from sprint.gov.v1.gov_pb2 import ProposalStatus

    if status is not None and status.lower() not in STATUSES:
        raise CliError(f"bad --status {status!r}: one of {', '.join(STATUSES)}")
    code = ProposalStatus.Value("PROPOSAL_STATUS_" + status.upper()) if status else 0
    resp = call_query(client, "Proposals", query_pb2.QueryProposalsRequest(status=code, limit=limit))
    rows = [proto_dict(p) for p in resp.proposals]
    return {"proposals": rows, "next": str(resp.next)}, [line for p in rows for line in proposal_lines(p)] or [
        "no proposals"]


@query_command(gov_query, "proposal", not_found="proposal {proposal_id} does not exist (see `sprintd q gov proposals`)")
@click.argument("proposal_id")
def proposal_query_cmd(client, proposal_id: str):
    """One proposal: type, status, stage heights, tallies and its enactment height."""
    from sprint.gov.v1 import query_pb2

    found = proto_dict(call_query(client, "Proposal", query_pb2.QueryProposalRequest(id=parse_id(proposal_id)))
                       .proposal)
    return {"proposal": found}, proposal_lines(found)


@query_command(gov_query, "tally", not_found="proposal {proposal_id} does not exist (see `sprintd q gov proposals`)")
@click.argument("proposal_id")
def tally_query_cmd(client, proposal_id: str):
    """The running tally of the open vote, or the final tally of the last one (stake x reputation power)."""
    from sprint.gov.v1 import query_pb2
    from sprint.gov.v1.gov_pb2 import Stage

    resp = call_query(client, "Tally", query_pb2.QueryTallyRequest(proposal_id=parse_id(proposal_id)))
    tally = {k: getattr(resp.tally, k) or "0" for k in ("yes", "no", "abstain", "veto", "total_power")}
    stage = _short(Stage.Name(resp.stage), "STAGE_")
    data = {"stage": stage, "running": resp.running, "tally": tally}
    return data, [f"{stage} vote ({'running' if resp.running else 'final'}): " +
                  ", ".join(f"{k} {v}" for k, v in tally.items())]


@query_command(gov_query, "votes", not_found="proposal {proposal_id} does not exist (see `sprintd q gov proposals`)")
@click.argument("proposal_id")
def votes_query_cmd(client, proposal_id: str):
    """Votes of the open (or last) vote of PROPOSAL_ID."""
    from sprint.gov.v1 import query_pb2

    resp = call_query(client, "Votes", query_pb2.QueryVotesRequest(proposal_id=parse_id(proposal_id)))
    rows = [proto_dict(v) for v in resp.votes]
    return {"votes": rows}, [f"{v['voter']}: {_short(v['option'], 'VOTE_OPTION_')} ({v['power']})" for v in rows] or [
        "no votes"]


@query_command(gov_query, "params")
def params_query_cmd(client):
    """Deposits, stage lengths, quorum / threshold / veto (bps)."""
    from google.protobuf import json_format
    from sprint.gov.v1 import query_pb2

    params = call_query(client, "Params", query_pb2.QueryParamsRequest()).params
    data = json_format.MessageToDict(params, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)
    return {"params": data}, [f"{k}: {v}" for k, v in data.items()]


def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `tx gov` and `q gov`."""
    tx_group.add_command(gov_tx)
    query_group.add_command(gov_query)
