"""Signs and broadcasts the worker's txs, keeping its own account sequence so several txs can be
in one block; resynchronises from the chain when the node reports a sequence mismatch."""

from __future__ import annotations

import logging
import re

from abci_app.client import NodeClient, NodeError, sign_and_broadcast
from chain.tx.builder import pack_any
from chain.tx.crypto import SigningKey
from worker.metrics import WorkerMetrics

log = logging.getLogger("sprint.worker.tx")

CODE_WRONG_SEQUENCE = 32
_EXPECTED_SEQUENCE = re.compile(r"expected (\d+), got \d+")


class TxSender:
    def __init__(self, client: NodeClient, key: SigningKey, chain_id: str, metrics: WorkerMetrics | None = None):
        self.client = client
        self.metrics = metrics if metrics is not None else WorkerMetrics()
        self.key = key
        self.chain_id = chain_id
        self.account_number: int | None = None
        self.sequence: int | None = None

    def _sync(self) -> None:
        info = self.client.account(self.key.bech32)
        if info is None:
            raise NodeError(f"worker account {self.key.bech32} does not exist on chain; fund it first")
        self.account_number, self.sequence = info.account_number, info.sequence

    def send(self, messages: list) -> tuple[str, int, str]:
        """Broadcast; returns (tx hash, CheckTx code, log). One retry after a sequence resync."""
        answer = self._send(messages)
        self.metrics.tx_sent(answer[1])
        return answer

    def _send(self, messages: list) -> tuple[str, int, str]:
        if self.sequence is None:
            self._sync()
        messages = [pack_any(m) for m in messages]
        for attempt in range(2):
            try:
                resp = sign_and_broadcast(self.client, self.key, messages, self.chain_id, gas="auto",
                                          account_number=self.account_number, sequence=self.sequence)
            except NodeError as err:  # simulation refused the tx
                if "sequence" in str(err) and attempt == 0:
                    self._resync(str(err))
                    continue
                return "", -1, str(err)
            if resp.code == 0:
                self.sequence += 1
                return resp.txhash, 0, ""
            if resp.code == CODE_WRONG_SEQUENCE and attempt == 0:
                self._resync(resp.raw_log)
                continue
            return resp.txhash, resp.code, resp.raw_log
        return "", CODE_WRONG_SEQUENCE, "account sequence mismatch"

    def _resync(self, text: str) -> None:
        """After a sequence mismatch: take the sequence the node expects (its mempool's view, which
        counts this worker's txs not yet committed) or, when the message does not say, the committed
        one."""
        expected = _EXPECTED_SEQUENCE.search(text)
        if expected is not None:
            self.sequence = int(expected.group(1))
            if self.account_number is not None:
                return
        self._sync()
        if expected is not None:
            self.sequence = int(expected.group(1))

    def reset(self) -> None:
        """Called after a refused tx. A refused tx never entered the mempool, so the local sequence
        stays right; sequence mismatches are resolved inside `send`. Kept for the agents' error path."""
