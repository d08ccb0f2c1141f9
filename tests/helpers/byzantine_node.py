"""A byzantine `sprintd start` for e2e tests: the normal node whose PrepareProposal appends crafted
gas-limit attacks to every block it proposes.

    python -m tests.helpers.byzantine_node --home NODE_HOME

Each proposal carries the next attack of ATTACKS, in turn, after the txs an honest node would
propose. Every tx is correctly signed by the node's `operator` key (a funded genesis account) with
its current sequence, so the gas limit is the only thing wrong with it:

    gas_2^63            one tx with auth_info.fee.gas_limit = 2^63 (does not fit ABCI's int64)
    gas_2^64-1          one tx with gas_limit = 2^64 - 1 (the largest uint64)
    over_max_tx_gas     one tx with gas_limit = auth param max_tx_gas + 1
    over_block_max_gas  max_tx_gas-sized txs whose total exceeds the consensus block.max_gas
                        (skipped, i.e. the next attack is used, when the genesis sets no max_gas)

What was proposed is appended, one JSON object per line, to NODE_HOME/byzantine_proposals.jsonl:
{"height", "attack", "txs": [hex, ...]}. Only PrepareProposal differs from an honest node.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import cosmpy.protos  # noqa: F401  (puts the generated tendermint/cosmos packages on sys.path)
from tendermint.abci import types_pb2 as abci

from abci_app import node
from abci_app.keyring import Keyring
from chain.app import App
from chain.tx.builder import TxSpec, build_signed_tx, msg_send
from chain.tx.crypto import SigningKey

log = logging.getLogger("sprint.byzantine")

RECORD_FILE = "byzantine_proposals.jsonl"
ATTACKS = ("gas_2^63", "gas_2^64-1", "over_max_tx_gas", "over_block_max_gas")
UNPAYABLE_FEE = 5_000  # for gas limits whose honest fee no account could pay
RECIPIENT = SigningKey(bytes(range(1, 33))).bech32


def record_path(home: str | Path) -> Path:
    """Where the byzantine node records what it proposed."""
    return Path(home) / RECORD_FILE


def read_records(home: str | Path) -> list[dict]:
    """The proposals recorded so far (a partly written last line is skipped)."""
    path = record_path(home)
    if not path.exists():
        return []
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def attack_gas_limits(attack: str, max_tx_gas: int, block_max_gas: int) -> list[int]:
    """The gas limit of each tx of one attack; [] when the chain's params make it impossible."""
    if attack == "gas_2^63":
        return [1 << 63]
    if attack == "gas_2^64-1":
        return [(1 << 64) - 1]
    if attack == "over_max_tx_gas":
        return [max_tx_gas + 1]
    if attack == "over_block_max_gas":
        if block_max_gas <= 0:
            return []
        return [max_tx_gas] * (block_max_gas // max_tx_gas + 1)
    raise ValueError(f"unknown attack {attack!r}")


def crafted_txs(key: SigningKey, chain_id: str, account_number: int, sequence: int,
                gas_limits: list[int]) -> list[bytes]:
    """One signed 1-usprint MsgSend per gas limit, with consecutive sequences from `sequence`.

    The fee covers any sane min gas price (0.1 usprint/gas) unless that is unpayable (> 2^62)."""
    txs = []
    for offset, gas_limit in enumerate(gas_limits):
        fee = gas_limit // 10 + 1 if gas_limit < (1 << 62) else UNPAYABLE_FEE
        spec = TxSpec(messages=[msg_send(key.bech32, RECIPIENT, 1)], chain_id=chain_id,
                      account_number=account_number, sequence=sequence + offset, gas_limit=gas_limit,
                      fee_amount=fee)
        txs.append(build_signed_tx(key, spec))
    return txs


class ByzantineApp(App):
    """The honest App, except that PrepareProposal appends the next gas-limit attack."""

    key: SigningKey | None = None  # set by main() before the node starts
    records: Path | None = None

    def __init__(self, db, sync_writes: bool = True, **options):
        super().__init__(db, sync_writes, **options)  # the node passes app.toml options (query_history, ...)
        self.proposals = 0

    def prepare_proposal(self, req: abci.RequestPrepareProposal) -> abci.ResponsePrepareProposal:
        resp = super().prepare_proposal(req)
        with self.lock:
            attack, txs = self._next_attack()
        if txs:
            resp.txs.extend(txs)
            self._record(req.height, attack, txs)
            log.warning("byzantine proposal at height %d: %s (%d txs)", req.height, attack, len(txs))
        return resp

    def _next_attack(self) -> tuple[str, list[bytes]]:
        account = self.keepers.auth.get_account(self.committed, self.key.address)
        if account is None or self._params is None:
            return "", []
        params = self.consensus_params()
        block_max_gas = params.block.max_gas if params is not None else -1
        for _ in ATTACKS:
            attack = ATTACKS[self.proposals % len(ATTACKS)]
            self.proposals += 1
            limits = attack_gas_limits(attack, self._params.max_tx_gas, block_max_gas)
            if limits:
                return attack, crafted_txs(self.key, self.chain_id, account.account_number,
                                           account.sequence, limits)
        return "", []

    def _record(self, height: int, attack: str, txs: list[bytes]) -> None:
        line = json.dumps({"height": height, "attack": attack, "txs": [tx.hex() for tx in txs]})
        with open(self.records, "a") as fh:
            fh.write(line + "\n")


def main(argv: list[str] | None = None) -> None:
    """Run the node of --home with ByzantineApp in place of App."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True)
    args = parser.parse_args(argv)
    ByzantineApp.key = Keyring(args.home, backend="test").signing_key("operator")
    ByzantineApp.records = record_path(args.home)
    node.App = ByzantineApp  # run_node builds its App through this module attribute
    node.run_node(args.home)


if __name__ == "__main__":
    main()
