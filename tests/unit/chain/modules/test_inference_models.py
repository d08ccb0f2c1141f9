"""Model registry rules, params validation and the inference genesis (parse, init, export)."""

from __future__ import annotations

import pytest
from sprint.inference.v1.inference_pb2 import JOB_STATUS_COMPLETED, JOB_STATUS_PENDING, Job, ModelConfig

from chain.errors import ErrInvalidRequest
from chain.modules.inference import genesis, models
from chain.modules.inference.keeper import InferenceKeeper
from chain.modules.inference.params import default_params, validate_params
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from chain.tx.crypto import encode_address
from tests.helpers.inference import tiny_lm_model

GOOD = dict(name="tiny-lm", config=ModelConfig(vocab_size=256, d_model=64, n_layers=2, n_heads=4, d_ff=256,
                                               max_seq_len=128),
            weights_sha256="0f" * 32, weights_size=10, price=100)


def check(**overrides):
    fields = dict(GOOD, **overrides)
    models.check_model(fields["name"], fields["config"], fields["weights_sha256"], fields["weights_size"],
                       fields["price"])


def test_good_model_passes():
    check()
    check(name="a.b_c-9")
    check(name="x" * 64)


@pytest.mark.parametrize("name,words", [("", "1..64"), ("x" * 65, "1..64"), ("Tiny", "'T'"), ("a b", "' '"),
                                        ("a/b", "'/'")])
def test_bad_names(name, words):
    with pytest.raises(ErrInvalidRequest, match=words):
        check(name=name)


@pytest.mark.parametrize("field", ["vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "max_seq_len"])
def test_config_fields_must_be_positive(field):
    config = ModelConfig()
    config.CopyFrom(GOOD["config"])
    setattr(config, field, 0)
    with pytest.raises(ErrInvalidRequest, match=field):
        check(config=config)


def test_config_heads_must_divide_d_model_and_vocab_bounded():
    with pytest.raises(ErrInvalidRequest, match="not divisible by n_heads 3"):
        check(config=ModelConfig(vocab_size=256, d_model=64, n_layers=2, n_heads=3, d_ff=256, max_seq_len=128))
    with pytest.raises(ErrInvalidRequest, match="vocab_size must be <= 65536"):
        check(config=ModelConfig(vocab_size=70_000, d_model=64, n_layers=2, n_heads=4, d_ff=256, max_seq_len=128))


@pytest.mark.parametrize("digest", ["", "0f" * 31, "0F" * 32, "zz" * 32, "0f" * 33])
def test_weights_hash_must_be_lower_hex_sha256(digest):
    with pytest.raises(ErrInvalidRequest, match="weights_sha256 must be 64 lower-case hex"):
        check(weights_sha256=digest)


def test_size_and_price_must_be_positive():
    with pytest.raises(ErrInvalidRequest, match="weights_size must be > 0"):
        check(weights_size=0)
    with pytest.raises(ErrInvalidRequest, match="price_per_token must be > 0"):
        check(price=0)


def test_default_params_match_the_contract_and_validate():
    p = default_params()
    validate_params(p)
    assert (p.max_prompt_bytes, p.max_inline_prompt_bytes, p.max_inline_result_bytes, p.max_tokens_limit,
            p.expiry_blocks, p.top_logprobs, p.reverify_blocks, p.report_fee, p.training_fund_bps, p.bounty_bps,
            p.fee_denom) == (65536, 4096, 32768, 256, 20, 4, 8, 1_000_000, 2000, 5000, "usprint")


@pytest.mark.parametrize("field,value,words", [("expiry_blocks", 0, "expiry_blocks must be >= 1"),
                                               ("max_inline_prompt_bytes", 70_000, "<= max_prompt_bytes"),
                                               ("training_fund_bps", 10_001, "training_fund_bps"),
                                               ("fee_denom", "", "fee_denom")])
def test_bad_params(field, value, words):
    p = default_params()
    setattr(p, field, value)
    with pytest.raises(ErrInvalidRequest, match=words):
        validate_params(p)


def test_genesis_rejects_unknown_fields_bad_models_and_duplicates():
    with pytest.raises(ErrInvalidRequest, match="unknown field 'nope'"):
        genesis.parse_genesis({"nope": 1})
    with pytest.raises(ErrInvalidRequest, match="expiry_blocks"):
        genesis.parse_genesis({"params": {"expiry_blocks": "0"}})
    model = tiny_lm_model()
    with pytest.raises(ErrInvalidRequest, match="listed twice"):
        genesis.parse_genesis({"models": [model, model]})
    with pytest.raises(ErrInvalidRequest, match="n_heads"):
        genesis.parse_genesis({"models": [dict(model, config=dict(model["config"], n_heads=5))]})
    with pytest.raises(ErrInvalidRequest, match="unknown model 'other'"):
        genesis.parse_genesis({"models": [model], "jobs": [{"id": "1", "model": "other"}]})


def test_genesis_round_trip_keeps_models_jobs_indices_and_next_id():
    requester = encode_address(b"\x05" * 20)
    executor = encode_address(b"\x06" * 20)
    jobs = [Job(id=3, requester=requester, model="tiny-lm", executor=executor, status=JOB_STATUS_PENDING,
                deadline_height=40, max_fee=900),
            Job(id=4, requester=requester, model="tiny-lm", executor=executor, status=JOB_STATUS_COMPLETED,
                audit_epoch=2, cost=500)]
    from google.protobuf import json_format
    state = {"params": {"expiry_blocks": "7"}, "models": [tiny_lm_model()],
             "jobs": [json_format.MessageToDict(j, preserving_proto_field_name=True) for j in jobs],
             "next_job_id": "9"}
    store, keeper = CacheStore(MemoryDB()), InferenceKeeper()
    genesis.init_genesis(store, keeper, state)
    assert keeper.get_params(store).expiry_blocks == 7
    assert keeper.next_job_id(store) == 9
    assert keeper.expiring(store, 40) == [3] and keeper.expiring(store, 39) == []
    assert keeper.audit_jobs(store, 2) == [4]
    assert keeper.jobs_by_executor(store, b"\x06" * 20) == [3, 4]
    exported = genesis.export_genesis(store, keeper)
    again = CacheStore(MemoryDB())
    genesis.init_genesis(again, InferenceKeeper(), exported)
    assert genesis.export_genesis(again, InferenceKeeper()) == exported
    assert exported["next_job_id"] == "9" and len(exported["jobs"]) == 2


def test_zero_params_survive_export_and_import():
    store, keeper = CacheStore(MemoryDB()), InferenceKeeper()
    genesis.init_genesis(store, keeper, {"params": {"bounty_bps": 0, "training_fund_bps": 0, "top_logprobs": 0}})
    exported = genesis.export_genesis(store, keeper)
    again = CacheStore(MemoryDB())
    genesis.init_genesis(again, keeper, exported)
    p = keeper.get_params(again)
    assert (p.bounty_bps, p.training_fund_bps, p.top_logprobs) == (0, 0, 0)
