"""Every ABCI response field stays in range whatever a tx carries: logs bounded, gas in int64,
validator power bounded by the params."""

from __future__ import annotations

import pytest

from chain.app import MAX_LOG_CHARS
from chain.errors import ErrInvalidRequest
from chain.modules.sprint.params import MAX_NONCES_PER_EPOCH, default_params, validate_params
from chain.store.memory import MemoryDB
from tests.helpers.chain import check, make_keys, make_send, new_app, run_block

KEYS = make_keys(4)


def test_a_huge_address_is_not_echoed_whole_in_check_tx_or_block_results():
    app = new_app(MemoryDB())
    run_block(app, [])
    tx = make_send(KEYS[0], "sprint1" + "q" * 100_000, 5, sequence=0, gas_limit=9_000_000, fee=225_000)
    resp = check(app, tx)
    assert resp.code != 0 and len(resp.log) <= MAX_LOG_CHARS
    block = run_block(app, [tx])
    assert block.codes[0] != 0 and len(block.results[0].log) <= MAX_LOG_CHARS


def test_check_tx_gas_fields_fit_int64_for_a_2_pow_64_minus_1_gas_limit():
    app = new_app(MemoryDB())
    run_block(app, [])
    resp = check(app, make_send(KEYS[0], KEYS[1].bech32, 5, sequence=0, gas_limit=2**64 - 1, fee=0))
    assert resp.code == 41 and "int64" in resp.log
    assert 0 <= resp.gas_wanted < 2**63


def test_max_nonces_per_epoch_is_bounded_so_total_power_fits_cometbft():
    params = default_params()
    params.max_nonces_per_epoch = MAX_NONCES_PER_EPOCH + 1
    with pytest.raises(ErrInvalidRequest, match="max_nonces_per_epoch"):
        validate_params(params)
    params.max_nonces_per_epoch = MAX_NONCES_PER_EPOCH
    validate_params(params)
