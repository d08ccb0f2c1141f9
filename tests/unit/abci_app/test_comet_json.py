"""CometBFT RPC JSON -> protobuf: shapes real CometBFT v0.38 writes that a single-validator devnet
does not show (absent votes, nil signatures), and a clear error for JSON of another shape."""

from __future__ import annotations

import pytest

from abci_app.grpc import comet_json

ABSENT_VOTE = {"block_id_flag": 1, "validator_address": "", "timestamp": "0001-01-01T00:00:00Z", "signature": None}


def test_absent_votes_and_empty_block_ids_convert():
    converted = comet_json.commit({"height": "3", "round": 0, "signatures": [ABSENT_VOTE],
                                   "block_id": {"hash": "", "parts": {"total": 0, "hash": ""}}})
    assert converted.height == 3 and converted.signatures[0].block_id_flag == 1
    assert converted.signatures[0].signature == b"" and converted.signatures[0].timestamp.seconds < 0


def test_nanosecond_times_and_valcons_addresses():
    assert comet_json.timestamp("2026-12-01T23:04:51.123456789Z").nanos == 123456789
    assert comet_json.valcons("AB" * 20).startswith("sprintvalcons1") and comet_json.valcons("") == ""


def test_unexpected_json_is_a_clear_error():
    with pytest.raises(comet_json.CometJsonError, match="unexpected block JSON"):
        comet_json.block({"header": {"height": "x"}})
    with pytest.raises(comet_json.CometJsonError, match="unsupported public key type"):
        comet_json.validator({"address": "AB" * 20, "pub_key": {"type": "tendermint/PubKeyBls", "value": ""}})
