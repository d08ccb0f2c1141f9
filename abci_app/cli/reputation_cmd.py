"""`sprintd q reputation host ADDR`: a host's reputation, validation probability and scheduling score."""

from __future__ import annotations

import click

from abci_app.cli.framework import call_query, proto_dict, query_command


@click.group("reputation")
def reputation_query() -> None:
    """Host reputation (validation probability, scheduling score)."""


@query_command(reputation_query, "host", addresses={"address": "host address"},
               not_found="{address} is not a registered host (see `sprintd q hosts list`)")
@click.argument("address")
def reputation_host_cmd(client, address: str):
    """ADDRESS's (host operator) reputation, validation probability and scheduling score."""
    from sprint.reputation.v1 import query_pb2

    resp = call_query(client, "Host", query_pb2.QueryHostRequest(host=address))
    rep = proto_dict(resp.reputation)
    rep.setdefault("has_record", False)
    r = resp.reputation
    lines = [f"host: {address}", f"has record: {r.has_record}", f"honest epochs: {r.honest_epochs}",
             f"validation probability: {r.validation_ppm / 10_000:g}% (request volume {resp.volume})",
             f"scheduling score: {r.score_ppm / 10_000:g}%",
             f"success rate: {r.success_rate_ppm / 10_000:g}%  work value EMA: {r.work_value_ema}usprint",
             f"jobs completed {r.jobs_completed}, expired {r.jobs_expired}, frauds {r.frauds}",
             f"duties done {r.duties_done}, missed {r.duties_missed}"]
    return {"reputation": rep, "volume": str(resp.volume)}, lines


def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `q reputation`."""
    query_group.add_command(reputation_query)
