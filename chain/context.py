"""The execution context handed to keepers and message handlers."""

from __future__ import annotations

from dataclasses import dataclass, field

from chain.gas import GasMeter


@dataclass
class Event:
    type: str
    attributes: list[tuple[str, str]]


@dataclass
class BlockInfo:
    height: int
    time_seconds: int
    time_nanos: int
    chain_id: str
    proposer: bytes = b""
    hash: bytes = b""  # this block's hash (FinalizeBlock only): an input of the sprint seed


@dataclass
class Context:
    """Store view, block info, gas meter, mode flags and the events emitted so far."""

    store: object
    block: BlockInfo
    gas_meter: GasMeter
    check_tx: bool = False
    recheck_tx: bool = False
    simulate: bool = False
    events: list[Event] = field(default_factory=list)

    def emit(self, event_type: str, *attributes: tuple[str, str]) -> None:
        self.events.append(Event(event_type, list(attributes)))

    def with_store(self, store) -> "Context":
        return Context(store, self.block, self.gas_meter, self.check_tx, self.recheck_tx, self.simulate, [])
