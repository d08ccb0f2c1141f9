"""Proposal content: the checks at submission and the effect at enactment, per proposal type.

A param change is checked by building the module's new params (the full proto JSON, or the
field=value changes over the params current at the time) and running that module's own
validate_params; enactment rebuilds them over the then-current params and checks them again."""

from __future__ import annotations

import json

from google.protobuf import json_format
from sprint.gov.v1.gov_pb2 import (
    PROPOSAL_TYPE_PARAM_CHANGE,
    PROPOSAL_TYPE_TRAINING_GRANT,
    PROPOSAL_TYPE_VAULT_SPEND,
    ParamChange,
    Proposal,
)

from chain.context import Context
from chain.errors import ErrInvalidRequest
from chain.modules.gov import keys
from chain.modules.gov.errors import (
    ErrInvalidProposalContent,
    ErrInvalidProposalType,
    ErrVaultInsufficient,
)
from chain.modules.gov.expected_keepers import GovDeps
from chain.modules.bank.keys import module_address
from chain.msgfields import parse_address, parse_coin
from chain.store.cache import CacheStore

MAX_CHANGES = 64
MAX_PARAMS_JSON = 16_384
TYPE_NAMES = {PROPOSAL_TYPE_PARAM_CHANGE: "param-change", PROPOSAL_TYPE_VAULT_SPEND: "vault-spend",
              PROPOSAL_TYPE_TRAINING_GRANT: "training-grant"}


def _parse_value(text: str):
    """A field value: JSON when it parses (numbers, true/false, quoted strings, objects), else the
    raw text (so usprint needs no quotes). Decimals stay strings: the target field rejects them."""
    try:
        return json.loads(text, parse_float=str, parse_constant=str)
    except ValueError:
        return text


def _set_path(tree: dict, path: str, value) -> None:
    parts = path.split(".")
    node = tree
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            raise ErrInvalidProposalContent(f"param change: {path!r}: {part!r} is not a message field")
        node = child
    if parts[-1] not in node:
        raise ErrInvalidProposalContent(f"param change: unknown field {path!r}; see `sprintd q <module> params`")
    node[parts[-1]] = value


def new_params(deps: GovDeps, store, change: ParamChange):
    """The params `change` would give its module now (ErrInvalidProposalContent / ErrInvalidRequest
    when the module is unknown, the change does not parse, or the module's validation refuses it)."""
    space = deps.spaces.get(change.module)
    if space is None:
        known = ", ".join(sorted(deps.spaces))
        raise ErrInvalidProposalContent(f"param change: unknown module {change.module!r}; one of {known}")
    if bool(change.params_json) == bool(change.changes):
        raise ErrInvalidProposalContent("param change: give either params_json or changes (field=value), not both")
    if len(change.changes) > MAX_CHANGES or len(change.params_json) > MAX_PARAMS_JSON:
        raise ErrInvalidProposalContent(f"param change: at most {MAX_CHANGES} changes / {MAX_PARAMS_JSON} bytes")
    current = space.get(store)
    if change.params_json:
        tree = _parse_value(change.params_json)
        if not isinstance(tree, dict):
            raise ErrInvalidProposalContent("param change: params_json must be a JSON object")
    else:
        tree = json_format.MessageToDict(current, preserving_proto_field_name=True,
                                         always_print_fields_with_no_presence=True)
        for item in change.changes:
            _set_path(tree, item.field, _parse_value(item.value))
    params = type(current)()
    try:
        json_format.ParseDict(tree, params)
    except json_format.ParseError as err:
        raise ErrInvalidProposalContent(f"param change: {change.module} params: {str(err)[:200]}") from err
    space.validate(params)
    return params


def check_vault_spend(deps: GovDeps, store, proposal) -> tuple[bytes, str, int]:
    """(recipient, denom, amount) of a vault spend the vault can pay now (ErrVaultInsufficient otherwise)."""
    if not proposal.HasField("vault_spend"):
        raise ErrInvalidProposalContent("vault spend: recipient and amount are required")
    spend = proposal.vault_spend
    recipient = parse_address(spend.recipient, "vault_spend.recipient")
    denom, amount = parse_coin(spend, "amount")
    held = deps.bank.balance(store, module_address(keys.VAULT_MODULE), denom)
    if amount > held:
        raise ErrVaultInsufficient(f"vault spend of {amount}{denom} is above the community vault balance "
                                   f"{held}{denom}; propose at most {held}{denom}")
    return recipient, denom, amount


def _submit_grant(ctx: Context, deps: GovDeps, proposal: Proposal) -> int:
    """Submit the proposal's training job, budget from the training fund (TxError when refused)."""
    grant = type(proposal.training_grant)()
    grant.CopyFrom(proposal.training_grant)
    denom = deps.training_grant.fee_denom(ctx.store)
    held = deps.bank.balance(ctx.store, module_address(keys.TRAINING_FUND_MODULE), denom)
    if grant.budget > held:
        raise ErrVaultInsufficient(f"training grant budget {grant.budget}{denom} is above the training fund "
                                   f"balance {held}{denom}; propose at most {held}{denom}")
    return deps.training_grant.submit(ctx, grant)


def check(ctx: Context, deps: GovDeps, proposal) -> None:
    """Submission checks of the proposal's content (any TxError refuses the submission). A training
    grant is checked by submitting its job on a branch of the store that is then dropped: the same
    rules as at enactment, against today's state."""
    if proposal.type == PROPOSAL_TYPE_PARAM_CHANGE:
        new_params(deps, ctx.store, proposal.param_change)
    elif proposal.type == PROPOSAL_TYPE_VAULT_SPEND:
        check_vault_spend(deps, ctx.store, proposal)
    elif proposal.type == PROPOSAL_TYPE_TRAINING_GRANT and deps.training_grant is not None:
        if not proposal.HasField("training_grant"):
            raise ErrInvalidProposalContent("training grant: the MsgSubmitTrainingJob body is required")
        _submit_grant(ctx.with_store(CacheStore(ctx.store)), deps, proposal)
    else:
        names = ", ".join(TYPE_NAMES[t] for t in sorted(TYPE_NAMES) if t != PROPOSAL_TYPE_TRAINING_GRANT
                          or deps.training_grant is not None)
        raise ErrInvalidProposalType(f"unknown or unsupported proposal type {proposal.type}; one of {names}")


def enact(ctx: Context, deps: GovDeps, proposal: Proposal) -> None:
    """Apply a proposal that passed both votes (raises TxError when its checks fail now; the caller
    runs this on a store branch and discards it then)."""
    if proposal.type == PROPOSAL_TYPE_PARAM_CHANGE:
        params = new_params(deps, ctx.store, proposal.param_change)
        deps.spaces[proposal.param_change.module].set(ctx.store, params)
    elif proposal.type == PROPOSAL_TYPE_VAULT_SPEND:
        recipient, denom, amount = check_vault_spend(deps, ctx.store, proposal)
        deps.bank.send_from_module(ctx, keys.VAULT_MODULE, recipient, [(denom, amount)])
    elif proposal.type == PROPOSAL_TYPE_TRAINING_GRANT and deps.training_grant is not None:
        proposal.training_job_id = _submit_grant(ctx, deps, proposal)
    else:
        raise ErrInvalidRequest(f"proposal type {proposal.type} cannot be enacted")

