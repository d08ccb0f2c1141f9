"""SIGN_MODE_LEGACY_AMINO_JSON sign bytes against known vectors (Cosmos SDK tests, CosmJS rules)."""

from __future__ import annotations

import hashlib

import cosmpy.protos  # noqa: F401
import pytest
from cosmos.bank.v1beta1.tx_pb2 import MsgSend
from cosmos.base.v1beta1.coin_pb2 import Coin
from cosmos.tx.v1beta1.tx_pb2 import Fee, TxBody
from sprint.common.v1.coin_pb2 import Coin as SprintCoin
from sprint.inference.v1.inference_pb2 import VERDICT_INVALID, SamplingParams
from sprint.inference.v1.tx_pb2 import MsgSubmitInference, MsgValidateInference
from sprint.sprint.v1.tx_pb2 import MsgSubmitProofBatch
from sprint.staking.v1.tx_pb2 import MsgStake

from chain.modules.registry import build_router
from chain.tx.amino import (
    AMINO_NAMES, MAX_AMINO_NAME_CHARS, AminoError, canonical_json, message_value, msg_json, std_sign_bytes,
)
from chain.tx.crypto import SigningKey, verify_signature

SEND_URL = "/cosmos.bank.v1beta1.MsgSend"


def send(from_address="cosmos1r5sckdd808qvg7p8d0auaw896zcluqfd7djffp",
         to_address="cosmos10t8ca2w09ykd6ph0agdz5stvgau47whhaggl9a", amount="150", denom="atom"):
    return MsgSend(from_address=from_address, to_address=to_address, amount=[Coin(denom=denom, amount=amount)])


def test_msg_send_matches_the_sdk_vector():
    # The StdSignBytes of a MsgSend as the Cosmos SDK's legacy amino codec produces them (a fixture
    # of the SDK-based evmos ledger tests, getFakeTxAmino).
    expected = (
        b'{"account_number":"0","chain_id":"evmos_9000-1","fee":{"amount":[{"amount":"150","denom":"atom"}],'
        b'"gas":"20000"},"memo":"memo","msgs":[{"type":"cosmos-sdk/MsgSend","value":{"amount":[{"amount":"150",'
        b'"denom":"atom"}],"from_address":"cosmos1r5sckdd808qvg7p8d0auaw896zcluqfd7djffp",'
        b'"to_address":"cosmos10t8ca2w09ykd6ph0agdz5stvgau47whhaggl9a"}}],"sequence":"6"}'
    )
    fee = Fee(amount=[Coin(denom="atom", amount="150")], gas_limit=20000)
    got = std_sign_bytes([(SEND_URL, send())], TxBody(memo="memo"), fee, "evmos_9000-1", 0, 6)
    assert got == expected


@pytest.mark.parametrize("timeout, fee, fee_json", [
    (10, Fee(amount=[Coin(denom="atom", amount="150")], gas_limit=100000),
     '{"amount":[{"amount":"150","denom":"atom"}],"gas":"100000"}'),
    (0, Fee(), '{"amount":[],"gas":"0"}'),
    (0, Fee(amount=[Coin(denom="atom", amount="150")], gas_limit=100000, payer="p", granter="g"),
     '{"amount":[{"amount":"150","denom":"atom"}],"gas":"100000","granter":"g","payer":"p"}'),
])
def test_sign_doc_envelope_matches_the_sdk_cases(timeout, fee, fee_json):
    # x/auth/migrations/legacytx TestStdSignBytes: timeout_height only when set, an empty fee as
    # {"amount":[],"gas":"0"}, payer/granter only when set.
    msg = send()
    msg_text = canonical_json(msg_json(SEND_URL, msg)).decode()
    tail = ',"timeout_height":"10"' if timeout else ""
    expected = (f'{{"account_number":"3","chain_id":"1234","fee":{fee_json},"memo":"memo","msgs":[{msg_text}],'
                f'"sequence":"6"{tail}}}').encode()
    assert std_sign_bytes([(SEND_URL, msg)], TxBody(memo="memo", timeout_height=timeout), fee, "1234", 3, 6) == expected


def test_escaping_follows_go_and_cosmjs():
    # CosmJS escapeCharacters / Go encoding/json: & < > as \u0026 \u003c \u003e; non-ASCII kept.
    body = TxBody(memo='with all: &<> "q" \\ é\n\u2028')
    got = std_sign_bytes([(SEND_URL, send())], body, Fee(), "c", 1, 2)
    assert b'"memo":"with all: \\u0026\\u003c\\u003e \\"q\\" \\\\ \xc3\xa9\\n\\u2028"' in got


def test_empty_memo_and_chain_id_are_kept():
    got = std_sign_bytes([(SEND_URL, send())], TxBody(), Fee(), "", 0, 0)
    assert got.startswith(b'{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"",')


def test_our_messages_follow_the_amino_json_rules():
    stake = MsgStake(operator="sprint1op", amount=SprintCoin(denom="usprint", amount="5"))
    assert canonical_json(msg_json("/sprint.staking.v1.MsgStake", stake)) == (
        b'{"type":"sprint/staking/MsgStake","value":{"amount":{"amount":"5","denom":"usprint"},'
        b'"operator":"sprint1op"}}')
    submit = MsgSubmitInference(requester="sprint1r", model="m", prompt=b"\x00\xffhi", max_tokens=7,
                                sampling=SamplingParams(), max_fee=2**63)
    # bytes -> base64, uint64 -> string, uint32 -> number, a set empty message -> {}, defaults omitted
    assert message_value(submit) == {"requester": "sprint1r", "model": "m", "prompt": "AP9oaQ==", "max_tokens": 7,
                                     "sampling": {}, "max_fee": str(2**63)}
    check = MsgValidateInference(worker="w", job_id=3, verdict=VERDICT_INVALID, mismatched_tokens=0)
    assert message_value(check) == {"worker": "w", "job_id": "3", "verdict": 2}  # enums as numbers
    batch = MsgSubmitProofBatch(worker="w", epoch=0, nonces=[1, 2**64 - 1], distances=[])
    assert message_value(batch) == {"worker": "w", "nonces": ["1", str(2**64 - 1)]}


def test_every_routed_message_has_a_short_unique_amino_name_and_encodes():
    router = build_router()
    assert sorted(AMINO_NAMES) == router.type_urls()
    names = list(AMINO_NAMES.values())
    assert len(set(names)) == len(names)
    assert all(len(name) <= MAX_AMINO_NAME_CHARS for name in names)
    for type_url in router.type_urls():
        empty = router.route(type_url).message_class()
        assert msg_json(type_url, empty)["type"] == AMINO_NAMES[type_url]


def test_unknown_type_has_no_amino_form():
    with pytest.raises(AminoError, match="no amino name"):
        msg_json("/cosmos.bank.v1beta1.MsgMultiSend", send())


def test_signature_is_secp256k1_over_sha256_of_the_doc():
    key = SigningKey(hashlib.sha256(b"amino").digest())
    doc = std_sign_bytes([(SEND_URL, send())], TxBody(memo="m"), Fee(gas_limit=1), "chain", 1, 2)
    assert verify_signature(key.pubkey, key.sign(doc), doc)
    assert not verify_signature(key.pubkey, key.sign(doc), doc.replace(b'"150"', b'"151"'))
