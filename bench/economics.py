"""KPI-adaptive issuance over 200 epochs of three network scenarios (growth, stagnation, collapse),
computed by the chain's own mint code (chain.modules.mint.formula: target curves, distances, the
rate between the rails, the supply cap, the fee ratio, the success rate, net inflation).

    python3 bench/economics.py [--epochs 200] [--png bench/out/economics.png]

Prints a table of sampled epochs per scenario and a summary that checks the rails (every epoch
issues between rho_m and rho_M, or less only at the supply cap), and plots issuance, net inflation
and each KPI's distance per epoch. The KPI paths are synthetic (seeded noise); everything from the
KPI values on is the consensus code. See docs/economics.md §7.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "proto"))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from sprint.mint.v1.mint_pb2 import KpiTarget  # noqa: E402

from chain.modules.mint import formula  # noqa: E402
from chain.modules.mint.params import default_params, validate_params  # noqa: E402

SCENARIOS = ("growth", "stagnation", "collapse")
SUPPLY0 = 10_000_000_000_000  # 10^7 SPRINT in usprint
BURN_OF_MINT_PPM = 50_000  # withheld and forfeited rewards burned at settlement: 5% of issuance
SLASH_PPM_OF_SUPPLY = 2  # slashes per epoch, of supply
NAMES = formula.KPI_NAMES


def bench_params():
    """Default params on the KPI schedule, with curves that rise within the simulated window."""
    params = default_params()
    params.schedule = "kpi"
    params.min_epoch_mint, params.max_epoch_mint = 6_000_000_000, 24_000_000_000
    params.supply_cap = SUPPLY0 + 180 * params.max_epoch_mint  # reached only by sustained high issuance
    curves = {"compute_target": (1_000, 5_000_000), "providers_target": (4, 120),
              "fee_growth_target": (1_000_000, 1_030_000), "success_target": (900_000, 980_000)}
    for name, (floor, ceiling) in curves.items():
        getattr(params, name).CopyFrom(KpiTarget(weight_ppm=250_000, floor=floor, ceiling=ceiling,
                                                 midpoint_epoch=80, steepness_ppm=60_000))
    validate_params(params)
    return params


def _logistic(t: float, top: float, mid: float, k: float) -> float:
    return top / (1 + math.exp(-k * (t - mid)))


def network(scenario: str, t: int, rng: random.Random) -> tuple[int, int, int, int, int]:
    """(compute MFLOP, providers, fee revenue, jobs ok, jobs failed) of epoch t in a scenario."""
    noise = 1 + rng.uniform(-0.04, 0.04)
    if scenario == "growth":
        compute, providers = _logistic(t, 8e6, 70, 0.08), 2 + _logistic(t, 150, 75, 0.07)
        fees, success = 2e6 * 1.035 ** t, 0.92 + 0.07 * min(t, 100) / 100
    elif scenario == "stagnation":
        compute, providers, fees, success = 4e4, 9, 2e6, 0.93
    else:  # collapse: grows, then loses its users from epoch 60
        base = _logistic(min(t, 60), 8e6, 70, 0.08)
        decay = 0.94 ** max(0, t - 60)
        compute, providers = base * decay, (2 + _logistic(min(t, 60), 150, 75, 0.07)) * decay
        fees, success = 2e6 * 1.035 ** min(t, 60) * decay, (0.95 if t < 60 else max(0.6, 0.95 - 0.004 * (t - 60)))
    jobs = max(1, int(providers * 40))
    ok = int(jobs * min(1.0, success * noise))
    return int(compute * noise), int(providers), int(fees * noise), ok, jobs - ok


@dataclass
class Run:
    scenario: str
    rows: list[dict] = field(default_factory=list)


def simulate(scenario: str, epochs: int, params) -> Run:
    """Epoch by epoch: measure, evaluate with the chain's formula, mint (capped), burn."""
    rng = random.Random(f"economics/{scenario}")
    run, supply, fee_history, rate = Run(scenario), SUPPLY0, [], params.min_epoch_mint
    for t in range(epochs):
        minted = formula.capped(rate, supply, params.supply_cap)  # this epoch's issuance, set last epoch
        compute, providers, fees, ok, failed = network(scenario, t, rng)
        burned = minted * BURN_OF_MINT_PPM // 1_000_000 + supply * SLASH_PPM_OF_SUPPLY // 1_000_000
        start, supply = supply, supply + minted - burned
        ratio, _ = formula.fee_ratio_ppm(fees, fee_history[-params.fee_window_epochs:])
        fee_history.append(fees)
        values = dict(zip(NAMES, (compute, providers, ratio, formula.success_ppm(ok, failed))))
        evaluation = formula.evaluate(params, t, values)
        run.rows.append({"epoch": t, "minted": minted, "rate_next": evaluation.rate, "supply": supply,
                         "inflation_ppm": formula.net_inflation_ppm(start, supply), "delta": evaluation.distance_ppm,
                         "distances": [k.distance_ppm for k in evaluation.kpis], "values": values,
                         "targets": [k.target for k in evaluation.kpis]})
        rate = evaluation.rate
    return run


def rails_hold(run: Run, params) -> bool:
    """Every epoch mints within [rho_m, rho_M], or less only where the cap stops it."""
    for row in run.rows:
        at_cap = params.supply_cap and row["supply"] + row["minted"] >= params.supply_cap - params.max_epoch_mint
        if row["minted"] > params.max_epoch_mint or (row["minted"] < params.min_epoch_mint and not at_cap):
            return False
    return True


def table(run: Run, every: int) -> Table:
    t = Table(title=f"{run.scenario}: sampled epochs (issuance in SPRINT = 10^6 usprint)")
    for name in ("epoch", "issued", "next rate", "net infl.", "delta", "d compute", "d providers", "d fees",
                 "d success", "supply"):
        t.add_column(name, justify="right")
    for row in run.rows:
        if row["epoch"] % every and row["epoch"] != len(run.rows) - 1:
            continue
        d = row["distances"]
        t.add_row(str(row["epoch"]), f"{row['minted'] / 1e6:,.0f}", f"{row['rate_next'] / 1e6:,.0f}",
                  f"{row['inflation_ppm'] / 1e4:+.4f}%", f"{row['delta'] / 1e4:.1f}%",
                  *(f"{x / 1e4:.1f}%" for x in d), f"{row['supply'] / 1e6:,.0f}")
    return t


def summary(runs: list[Run], params) -> Table:
    t = Table(title=f"rails rho_m {params.min_epoch_mint / 1e6:,.0f} / rho_M {params.max_epoch_mint / 1e6:,.0f} "
                    f"SPRINT per epoch; cap {params.supply_cap / 1e6:,.0f}")
    for name in ("scenario", "min issued", "max issued", "total issued", "mean net infl./epoch", "final supply",
                 "rails hold"):
        t.add_column(name, justify="right")
    for run in runs:
        minted = [r["minted"] for r in run.rows]
        mean = sum(r["inflation_ppm"] for r in run.rows) / len(run.rows)
        t.add_row(run.scenario, f"{min(minted) / 1e6:,.0f}", f"{max(minted) / 1e6:,.0f}", f"{sum(minted) / 1e6:,.0f}",
                  f"{mean / 1e4:+.4f}%", f"{run.rows[-1]['supply'] / 1e6:,.0f}", str(rails_hold(run, params)))
    return t


def plot(runs: list[Run], params, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, len(runs), figsize=(5 * len(runs), 10), sharex=True)
    for col, run in enumerate(runs):
        epochs = [r["epoch"] for r in run.rows]
        ax = axes[0][col]
        ax.plot(epochs, [r["minted"] / 1e6 for r in run.rows], label="issued")
        ax.axhline(params.min_epoch_mint / 1e6, color="grey", linestyle="--", label="rho_m / rho_M")
        ax.axhline(params.max_epoch_mint / 1e6, color="grey", linestyle="--")
        ax.set_title(run.scenario)
        ax.set_ylabel("issuance per epoch (SPRINT)")
        ax.legend(fontsize=8)
        axes[1][col].plot(epochs, [r["inflation_ppm"] / 1e4 for r in run.rows])
        axes[1][col].set_ylabel("net inflation per epoch (%)")
        for i, name in enumerate(NAMES):
            axes[2][col].plot(epochs, [r["distances"][i] / 1e4 for r in run.rows], label=name)
        axes[2][col].plot(epochs, [r["delta"] / 1e4 for r in run.rows], color="black", linewidth=2, label="delta")
        axes[2][col].set_ylabel("distance to target (%)")
        axes[2][col].set_xlabel("epoch")
        axes[2][col].legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--every", type=int, default=20, help="print every N-th epoch")
    parser.add_argument("--png", type=Path, default=Path(__file__).resolve().parent / "out" / "economics.png")
    args = parser.parse_args(argv)
    params = bench_params()
    runs = [simulate(s, args.epochs, params) for s in SCENARIOS]
    console = Console(width=150)
    for run in runs:
        console.print(table(run, args.every))
    console.print(summary(runs, params))
    plot(runs, params, args.png)
    console.print(f"plot: {args.png}")
    return 0 if all(rails_hold(run, params) for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
