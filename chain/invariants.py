"""Supply invariants, checked by App.FinalizeBlock after end_block on every block.

1. For every denom, the recorded supply equals the sum of all balances. Every block checks this
   incrementally, at a cost proportional to the block's writes: over the balance keys the block
   wrote, sum(new - old) per denom must equal the block's supply change (old values read from the
   state the block started from). The full O(accounts) sum over the balance prefix runs on the
   first block after InitChain and every FULL_CHECK_INTERVAL heights (deterministic: by height).
2. Over one block, each denom's supply changes by exactly (minted - burned) as reported by the
   block's `mint` and `burn` events (tx events and end-block events): coins are conserved except
   for issuance and burns.

Given 1 holds at the block's start, the incremental check makes it hold at the end: the balance
sum moves by exactly the written keys' deltas.

A violation raises InvariantBroken: the node stops rather than commit a state that created or
destroyed coins outside the bank's mint and burn paths (the Cosmos SDK crisis module's behaviour).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chain.modules.bank.keys import BALANCE_PREFIX
from chain.store.cache import CacheStore

FULL_CHECK_INTERVAL = 1000  # heights between full balance sums (262 ms at 100k accounts)
_DENOM_OFFSET = len(BALANCE_PREFIX) + 20  # balance key: prefix | address(20) | denom
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


@dataclass(frozen=True)
class BlockStart:
    """What a block's checks compare against: the supply and a read view of the state as it was
    when the block started (the block cache's parent plus a copy of its writes at that moment)."""

    supply: dict[str, int]
    state: CacheStore
    after_genesis: bool  # the block cache held InitChain's writes: the first block


def block_start(store: CacheStore, bank) -> BlockStart:
    """Capture the start of a block about to execute in the block cache `store`."""
    state = CacheStore(store.parent)
    state.writes = dict(store.writes)
    return BlockStart(dict(bank.all_supply(store)), state, bool(store.writes))


def balance_changes(store: CacheStore, start: BlockStart) -> dict[str, int]:
    """Per denom, sum(new - old) over the balance keys the block wrote (a delete counts as 0)."""
    changes: dict[str, int] = {}
    for key in sorted(k for k in store.writes if k.startswith(BALANCE_PREFIX)):
        new, old = store.writes[key], start.state.get(key)
        if new == old:
            continue
        denom = key[_DENOM_OFFSET:].decode()
        changes[denom] = changes.get(denom, 0) + int(new or 0) - int(old or 0)
    return changes


def check_supply_changes(supply_before: dict[str, int], supply_after: dict[str, int],
                         changes: dict[str, int]) -> None:
    """Raise InvariantBroken when a denom's balances moved by other than its supply change."""
    names = sorted(dict.fromkeys(list(supply_before) + list(supply_after) + list(changes)))
    for denom in names:
        supply_change = supply_after.get(denom, 0) - supply_before.get(denom, 0)
        if changes.get(denom, 0) != supply_change:
            raise InvariantBroken(f"supply invariant broken for {denom}: supply changed by {supply_change} "
                                  f"in this block but the sum of balances changed by {changes.get(denom, 0)}")


def check_block(store: CacheStore, bank, start: BlockStart, events, height: int) -> None:
    """Both supply invariants for a block whose state is `store` (after end_block): incremental
    every block, plus the full balance sum on the first block and every FULL_CHECK_INTERVAL heights."""
    supply_after = dict(bank.all_supply(store))
    check_supply_changes(start.supply, supply_after, balance_changes(store, start))
    if start.after_genesis or height % FULL_CHECK_INTERVAL == 0:
        check_supply(store, bank)
    check_block_delta(start.supply, supply_after, events)

