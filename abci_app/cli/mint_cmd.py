"""`sprintd q mint kpis [--epoch N]` and `q mint params`: the KPIs of a measured epoch against their
targets, the distance and the rate they set, and the mint params (docs/economics.md)."""

from __future__ import annotations

import click

from abci_app.cli.framework import call_query, proto_dict, query_command

PPM = 1_000_000
UNITS = {"verified_compute_mflop": "MFLOP", "active_high_rep_providers": "hosts", "fee_growth_ppm": "ppm",
         "job_success_ppm": "ppm"}


@click.group("mint")
def mint_query() -> None:
    """Issuance: the schedule, the KPIs behind the adaptive rate, the rails and the supply cap."""


def _percent(ppm: int) -> str:
    return f"{ppm / 10_000:g}%"


def kpi_lines(resp) -> list[str]:
    """The human-readable view of a QueryKpisResponse."""
    k = resp.kpis
    lines = [f"epoch {k.epoch} (measured; now epoch {resp.current_epoch}, schedule {resp.schedule}, "
             f"issuing {resp.current_epoch_issuance}usprint this epoch)",
             f"{'KPI':<28}{'value':>16}{'target':>16}{'distance':>11}{'weight':>9}"]
    for kpi in k.kpis:
        value = f"{kpi.value} {UNITS.get(kpi.name, '')}".strip()
        lines.append(f"{kpi.name:<28}{value:>16}{kpi.target:>16}{_percent(kpi.distance_ppm):>11}"
                     f"{_percent(kpi.weight_ppm):>9}")
    lines += [f"distance delta: {_percent(k.distance_ppm)} -> KPI rate for epoch {k.epoch + 1}: {k.kpi_rate}usprint",
              f"minted {k.minted}, burned {k.burned}, supply {k.supply_start} -> {k.supply_end} "
              f"(net inflation {k.net_inflation_ppm / 10_000:+g}%)",
              f"compute: sprint {k.sprint_mflop}, inference {k.inference_mflop}, training {k.training_mflop} MFLOP; "
              f"jobs ok {k.jobs_succeeded}, failed {k.jobs_failed}; dummy jobs {k.dummy_jobs}",
              f"fees {k.fee_revenue}usprint (moving average {k.fee_moving_average}), to the vault {k.vault_inflow}"]
    return lines


@query_command(mint_query, "kpis", not_found="epoch --epoch {epoch} (None: the last) is not measured on {node} yet; "
                                             "an epoch is measured when the next one starts")
@click.option("--epoch", type=click.IntRange(min=0), default=None, help="a measured epoch (default: the last)")
def mint_kpis_cmd(client, epoch: int | None):
    """Each KPI of a measured epoch, its target and distance, and the rate they set."""
    from sprint.mint.v1 import query_pb2

    request = query_pb2.QueryKpisRequest() if epoch is None else query_pb2.QueryKpisRequest(epoch=epoch)
    resp = call_query(client, "Kpis", request)
    data = {"kpis": proto_dict(resp.kpis), "current_epoch": str(resp.current_epoch), "schedule": resp.schedule,
            "current_epoch_issuance": str(resp.current_epoch_issuance)}
    return data, kpi_lines(resp)


def params_lines(p) -> list[str]:
    lines = [f"schedule: {p.schedule}", f"rails: rho_m {p.min_epoch_mint}, rho_M {p.max_epoch_mint} usprint per epoch",
             f"supply cap: {p.supply_cap or 'none'}", f"fee share to rewards q: {_percent(p.fee_reward_ppm)} "
             f"(the rest to the community vault)",
             f"high reputation: success rate >= {_percent(p.high_reputation_ppm)}",
             f"fee moving average: {p.fee_window_epochs} epochs"]
    for name in ("compute_target", "providers_target", "fee_growth_target", "success_target"):
        t = getattr(p, name)
        lines.append(f"{name}: {t.floor} -> {t.ceiling}, midpoint epoch {t.midpoint_epoch}, "
                     f"steepness {t.steepness_ppm / PPM:g}/epoch, weight {_percent(t.weight_ppm)}")
    lines.append(f"dummy tasks: {p.dummy_max_jobs_per_epoch} per epoch, {p.dummy_max_jobs_per_host} per host, "
                 f"idle below "
                 f"{p.dummy_idle_jobs} jobs, off at {p.dummy_demand_requests} user requests, model "
                 f"{p.dummy_model or '(first registered)'}, {p.dummy_max_tokens} tokens, budget "
                 f"{p.dummy_budget_bps / 100:g}% of issuance")
    return lines


@query_command(mint_query, "params")
def mint_params_cmd(client):
    """The mint params."""
    from sprint.mint.v1 import query_pb2

    params = call_query(client, "Params", query_pb2.QueryParamsRequest()).params
    return {"params": proto_dict(params)}, params_lines(params)


def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `q mint`."""
    query_group.add_command(mint_query)
