"""The worker's TxSender keeps its own sequence; after a mismatch it takes the node's expected one.

A tx still waiting in the mempool is not in the committed account, so resyncing from the committed
sequence would send the same sequence again and fail again (seen on a loaded localnet)."""

from __future__ import annotations

from types import SimpleNamespace

import worker.agent.tx_sender as tx_sender
from chain.tx.crypto import SigningKey


class Client:
    def __init__(self, committed_sequence: int):
        self.committed_sequence = committed_sequence

    def account(self, address):
        return SimpleNamespace(account_number=7, sequence=self.committed_sequence)


def _sender(monkeypatch, answers, committed=2):
    sent = []

    def fake(client, key, messages, chain_id, gas, account_number, sequence):
        sent.append(sequence)
        return answers.pop(0)

    monkeypatch.setattr(tx_sender, "sign_and_broadcast", fake)
    monkeypatch.setattr(tx_sender, "pack_any", lambda m: m)
    return tx_sender.TxSender(Client(committed), SigningKey(b"\x01" * 32), "c"), sent


def _resp(code, log=""):
    return SimpleNamespace(code=code, raw_log=log, txhash="AB" * 32)


def test_a_mismatch_adopts_the_sequence_the_node_expects(monkeypatch):
    answers = [_resp(32, "account sequence mismatch, expected 3, got 2: incorrect account sequence"), _resp(0)]
    sender, sent = _sender(monkeypatch, answers, committed=2)
    assert sender.send(["msg"])[1] == 0
    assert sent == [2, 3] and sender.sequence == 4


def test_a_refusal_for_another_reason_keeps_the_local_sequence(monkeypatch):
    answers = [_resp(0), _resp(18, "late"), _resp(0)]
    sender, sent = _sender(monkeypatch, answers, committed=2)
    sender.send(["a"])
    assert sender.send(["b"])[1] == 18
    sender.reset()
    sender.send(["c"])
    assert sent == [2, 3, 3]


def test_a_mismatch_without_a_number_resyncs_from_the_chain(monkeypatch):
    answers = [_resp(32, "account sequence mismatch"), _resp(0)]
    sender, sent = _sender(monkeypatch, answers, committed=5)
    sender.sequence, sender.account_number = 9, 7
    assert sender.send(["m"])[1] == 0 and sent == [9, 5]
