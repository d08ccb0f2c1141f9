"""Supply invariants, checked by App.FinalizeBlock after end_block on every block.

1. For every denom, the recorded supply equals the sum of all balances (one pass over the
   balance prefix).
2. Over one block, each denom's supply changes by exactly (minted - burned) as reported by the
   block's `mint` and `burn` events (tx events and end-block events): coins are conserved except
   for issuance and burns.

A violation raises InvariantBroken: the node stops rather than commit a state that created or
destroyed coins outside the bank's mint and burn paths (the Cosmos SDK crisis module's behaviour).
"""

from __future__ import annotations

import re

MINT_EVENT = "mint"
BURN_EVENT = "burn"
_COIN_RE = re.compile(r"(\d+)([a-zA-Z][a-zA-Z0-9/:._-]*)")


class InvariantBroken(RuntimeError):
    """A consensus invariant does not hold: the state must not be committed."""


def parse_event_coins(text: str) -> list[tuple[str, int]]:
    """(denom, amount) of an event `amount` attribute such as "5usprint,7uatom"."""
    coins = []
    for part in text.split(","):
        match = _COIN_RE.fullmatch(part.strip())
        if match is None:
            raise InvariantBroken(f"cannot parse coins {text!r} in a mint/burn event")
        coins.append((match.group(2), int(match.group(1))))
    return coins


def minted_minus_burned(events) -> dict[str, int]:
    """Net supply change per denom reported by `mint` and `burn` events (chain.context.Event)."""
    net: dict[str, int] = {}
    for event in events:
        if event.type not in (MINT_EVENT, BURN_EVENT):
            continue
        sign = 1 if event.type == MINT_EVENT else -1
        for key, value in event.attributes:
            if key == "amount" and value:
                for denom, amount in parse_event_coins(value):
                    net[denom] = net.get(denom, 0) + sign * amount
    return net


def check_supply(store, bank, denoms: list[str] | None = None) -> None:
    """Raise InvariantBroken when sum(balances) != supply for any denom (all denoms seen in
    balances or supply, or only `denoms` when given)."""
    totals = bank.total_balances(store)
    supply = dict(bank.all_supply(store))
    names = sorted(denoms) if denoms is not None else sorted(list(totals) + [d for d in supply if d not in totals])
    for denom in names:
        if totals.get(denom, 0) != supply.get(denom, 0):
            raise InvariantBroken(f"supply invariant broken for {denom}: supply {supply.get(denom, 0)} "
                                  f"!= sum of balances {totals.get(denom, 0)}")


def check_block_delta(supply_before: dict[str, int], supply_after: dict[str, int], events) -> None:
    """Raise InvariantBroken when a denom's supply changed by anything but minted - burned."""
    net = minted_minus_burned(events)
    names = sorted(list(supply_before) + [d for d in list(supply_after) + list(net) if d not in supply_before])
    for denom in dict.fromkeys(names):
        change = supply_after.get(denom, 0) - supply_before.get(denom, 0)
        if change != net.get(denom, 0):
            raise InvariantBroken(f"supply of {denom} changed by {change} in this block but its mint/burn "
                                  f"events account for {net.get(denom, 0)}")


def check_block(store, bank, supply_before: dict[str, int], events) -> None:
    """Both supply invariants for a block whose state is `store` (after end_block)."""
    check_supply(store, bank)
    check_block_delta(supply_before, dict(bank.all_supply(store)), events)
