"""Gas metering: a meter per transaction and a store wrapper that charges reads and writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from chain.errors import ErrOutOfGas


class OutOfGas(Exception):
    """Raised inside execution when a meter runs past its limit; turned into ErrOutOfGas."""

    def __init__(self, descriptor: str, limit: int, used: int):
        super().__init__(descriptor)
        self.descriptor = descriptor
        self.limit = limit
        self.used = used

    def to_tx_error(self) -> ErrOutOfGas:
        return ErrOutOfGas(
            f"out of gas in location: {self.descriptor}; gasWanted: {self.limit}, gasUsed: {self.used}"
        )


class GasMeter:
    """Counts gas; `limit=None` means infinite (block hooks, simulation)."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.consumed = 0

    def consume(self, amount: int, descriptor: str) -> None:
        self.consumed += amount
        if self.limit is not None and self.consumed > self.limit:
            raise OutOfGas(descriptor, self.limit, self.consumed)


@dataclass(frozen=True)
class GasCosts:
    read_flat: int = 1000
    read_per_byte: int = 3
    write_flat: int = 2000
    write_per_byte: int = 30
    delete_flat: int = 1000
    iter_next_flat: int = 30


class GasStore:
    """Wraps a store and charges the meter for every access."""

    def __init__(self, store, meter: GasMeter, costs: GasCosts):
        self.store = store
        self.meter = meter
        self.costs = costs

    def get(self, key: bytes) -> bytes | None:
        self.meter.consume(self.costs.read_flat, "ReadFlat")
        value = self.store.get(key)
        self.meter.consume(self.costs.read_per_byte * (len(key) + len(value or b"")), "ReadPerByte")
        return value

    def set(self, key: bytes, value: bytes) -> None:
        self.meter.consume(self.costs.write_flat, "WriteFlat")
        self.meter.consume(self.costs.write_per_byte * (len(key) + len(value)), "WritePerByte")
        self.store.set(key, value)

    def delete(self, key: bytes) -> None:
        self.meter.consume(self.costs.delete_flat, "Delete")
        self.store.delete(key)

    def iterate(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        for key, value in self.store.iterate(prefix):
            self.meter.consume(self.costs.iter_next_flat, "IterNextFlat")
            self.meter.consume(self.costs.read_per_byte * (len(key) + len(value)), "ValuePerByte")
            yield key, value
