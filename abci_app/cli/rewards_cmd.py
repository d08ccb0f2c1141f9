"""`sprintd q rewards pending ADDR`: a host's unreleased rewards by epoch and its last settlement;
`q rewards vault`: the community vault's balance."""

from __future__ import annotations

import click

from abci_app.cli.framework import call_query, proto_dict, query_command

ACCRUAL_FIELDS = ("proposer_rewards", "executor_fees", "validator_fees", "bounty", "executor_pool_share",
                  "validator_pool_share")


@click.group("rewards")
def rewards_query() -> None:
    """Rewards accrued per epoch and held until settlement."""


def _pending_lines(resp) -> list[str]:
    lines = [f"pending total: {resp.total}usprint"]
    for a in resp.accruals:
        parts = [f"{field} {getattr(a, field)}" for field in ACCRUAL_FIELDS if getattr(a, field)]
        lines.append(f"epoch {a.epoch}: " + (", ".join(parts) or "nothing yet"))
    if resp.HasField("last_outcome"):
        o = resp.last_outcome
        lines.append(f"last settlement (epoch {o.epoch}): released {o.released}, forfeited {o.forfeited}, "
                     f"withheld {o.withheld}{' (caught)' if o.caught else ''}")
    lines.append(f"current block reward: {resp.block_reward}usprint")
    return lines


@query_command(rewards_query, "pending", addresses={"address": "host address"},
               not_found="{address} has no rewards record (is it a registered host?)")
@click.argument("address")
def rewards_pending_cmd(client, address: str):
    """ADDRESS's (host operator) unreleased rewards by epoch and its last settlement outcome."""
    from sprint.rewards.v1 import query_pb2

    resp = call_query(client, "Pending", query_pb2.QueryPendingRequest(host=address))
    data = {"accruals": [proto_dict(a) for a in resp.accruals], "total": str(resp.total),
            "block_reward": str(resp.block_reward)}
    if resp.HasField("last_outcome"):
        data["last_outcome"] = proto_dict(resp.last_outcome)
    return data, _pending_lines(resp)


@query_command(rewards_query, "vault")
def rewards_vault_cmd(client):
    """The community vault: the (1 - q) share of gas fees, spent only by governance proposals."""
    from sprint.rewards.v1 import query_pb2

    resp = call_query(client, "Vault", query_pb2.QueryVaultRequest())
    data = {"address": resp.address, "denom": resp.denom, "balance": str(resp.balance)}
    return data, [f"community vault {resp.address}: {resp.balance}{resp.denom}"]


def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `q rewards`."""
    query_group.add_command(rewards_query)
