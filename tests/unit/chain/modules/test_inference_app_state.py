"""genesis.app_state.add_inference: default params + overrides + the generated tiny-lm, accepted by
InitChain; invalid params refused with GenesisError."""

from __future__ import annotations

import pytest

from chain.store.memory import MemoryDB
from genesis.app_state import GenesisError, add_inference, build_app_state
from tests.helpers.chain import make_keys, new_app


def test_add_inference_writes_params_and_tiny_lm_that_init_chain_accepts():
    app_state = build_app_state([(k.bech32, 1_000) for k in make_keys(2)])
    blobs = add_inference(app_state, params={"expiry_blocks": "9"})
    section = app_state["inference"]
    assert section["params"]["expiry_blocks"] == "9" and section["params"]["max_tokens_limit"] == 256
    assert [m["name"] for m in section["models"]] == ["tiny-lm"]
    assert list(blobs) == [section["models"][0]["weights_sha256"]]
    app = new_app(MemoryDB(), app_state)
    store = app.block_cache
    assert app.keepers.inference.get_params(store).expiry_blocks == 9
    assert app.keepers.inference.get_model(store, "tiny-lm").weights_size == len(next(iter(blobs.values())))


def test_add_inference_refuses_bad_params():
    app_state = build_app_state([(make_keys(1)[0].bech32, 1)])
    with pytest.raises(GenesisError, match="expiry_blocks must be >= 1"):
        add_inference(app_state, params={"expiry_blocks": "0"})
