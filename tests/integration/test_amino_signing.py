"""SIGN_MODE_LEGACY_AMINO_JSON txs through CheckTx and FinalizeBlock (Ledger / amino signers)."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.bank.v1beta1.tx_pb2 import MsgSend
from cosmos.tx.signing.v1beta1.signing_pb2 import SIGN_MODE_DIRECT, SIGN_MODE_LEGACY_AMINO_JSON
from cosmos.tx.v1beta1.tx_pb2 import AuthInfo, TxBody, TxRaw
from google.protobuf.timestamp_pb2 import Timestamp

from chain.store.memory import MemoryDB
from chain.tx.builder import TxSpec, build_signed_tx, msg_send, pack_any
from tests.helpers.chain import (
    CHAIN_ID, FEE, balance, check, genesis_state, make_keys, new_app, run_block, sequence,
)
from tests.helpers.staking import stake_msg, staking_state

KEYS = make_keys(3)


def amino_send(key, to: str, amount: int, seq: int, account_number: int, chain_id: str = CHAIN_ID,
               memo: str = "", timeout_height: int = 0) -> bytes:
    spec = TxSpec(messages=[msg_send(key.bech32, to, amount)], chain_id=chain_id, account_number=account_number,
                  sequence=seq, memo=memo, timeout_height=timeout_height)
    return build_signed_tx(key, spec, sign_mode="amino-json")


def _retouch(raw: bytes, body=None, auth_info=None) -> bytes:
    """The same tx (same signature) with a modified body or auth_info."""
    tx = TxRaw.FromString(raw)
    if body is not None:
        tx.body_bytes = body.SerializeToString()
    if auth_info is not None:
        tx.auth_info_bytes = auth_info.SerializeToString()
    return tx.SerializeToString()


def test_amino_signed_send_passes_check_and_finalize():
    app = new_app(MemoryDB(), genesis_state(KEYS))
    run_block(app)  # CheckTx reads committed state: genesis lands with block 1
    tx = amino_send(KEYS[0], KEYS[1].bech32, 1234, 0, 0, memo="ledger <&> memo", timeout_height=50)
    assert AuthInfo.FromString(TxRaw.FromString(tx).auth_info_bytes).signer_infos[0].mode_info.single.mode \
        == SIGN_MODE_LEGACY_AMINO_JSON
    assert check(app, tx).code == 0
    block = run_block(app, [tx])
    assert block.codes == [0], block.results[0].log
    assert balance(app, KEYS[1].address) == 1_000_000_000 + 1234
    assert balance(app, KEYS[0].address) == 1_000_000_000 - 1234 - FEE
    assert sequence(app, KEYS[0].address) == 1
    # the next one, amino again, at sequence 1
    block = run_block(app, [amino_send(KEYS[0], KEYS[2].bech32, 1, 1, 0)])
    assert block.codes == [0], block.results[0].log


def test_tampered_amino_tx_fails_and_changes_nothing():
    app = new_app(MemoryDB(), genesis_state(KEYS))
    run_block(app)
    tx = amino_send(KEYS[0], KEYS[1].bech32, 1234, 0, 0)
    body = TxBody.FromString(TxRaw.FromString(tx).body_bytes)
    redirected = MsgSend.FromString(body.messages[0].value)
    redirected.to_address = KEYS[2].bech32
    body.messages[0].CopyFrom(pack_any(redirected, "/cosmos.bank.v1beta1.MsgSend"))
    other_recipient = _retouch(tx, body=body)
    memo = TxBody.FromString(TxRaw.FromString(tx).body_bytes)
    memo.memo = "changed"
    changed_memo = _retouch(tx, body=memo)
    auth_info = AuthInfo.FromString(TxRaw.FromString(tx).auth_info_bytes)
    auth_info.fee.gas_limit -= 1  # still covered by the fee
    more_gas = _retouch(tx, auth_info=auth_info)
    as_direct = AuthInfo.FromString(TxRaw.FromString(tx).auth_info_bytes)
    as_direct.signer_infos[0].mode_info.single.mode = SIGN_MODE_DIRECT
    direct_mode = _retouch(tx, auth_info=as_direct)
    wrong_chain = amino_send(KEYS[0], KEYS[1].bech32, 1234, 0, 0, chain_id="other-chain")
    for bad in (other_recipient, changed_memo, more_gas, direct_mode, wrong_chain):
        response = check(app, bad)
        assert response.code == 4, response.log
        assert "signature verification failed" in response.log
    block = run_block(app, [other_recipient, changed_memo, wrong_chain])
    assert block.codes == [4, 4, 4]
    assert balance(app, KEYS[2].address) == 1_000_000_000 and sequence(app, KEYS[0].address) == 0
    # the untampered original still passes afterwards
    assert run_block(app, [tx]).codes == [0]


def test_amino_refuses_fields_the_sign_doc_does_not_cover():
    app = new_app(MemoryDB(), genesis_state(KEYS))
    tx = amino_send(KEYS[0], KEYS[1].bech32, 1, 0, 0)
    body = TxBody.FromString(TxRaw.FromString(tx).body_bytes)
    body.timeout_timestamp.CopyFrom(Timestamp(seconds=5))
    response = check(app, _retouch(tx, body=body))
    assert response.code == 18 and "LEGACY_AMINO_JSON" in response.log
    body = TxBody.FromString(TxRaw.FromString(tx).body_bytes)
    body.unordered = True
    assert check(app, _retouch(tx, body=body)).code == 18


def test_unsupported_sign_mode_is_refused():
    app = new_app(MemoryDB(), genesis_state(KEYS))
    tx = amino_send(KEYS[0], KEYS[1].bech32, 1, 0, 0)
    auth_info = AuthInfo.FromString(TxRaw.FromString(tx).auth_info_bytes)
    auth_info.signer_infos[0].mode_info.single.mode = 3  # SIGN_MODE_DIRECT_AUX
    response = check(app, _retouch(tx, auth_info=auth_info))
    assert response.code == 4 and "unsupported sign mode" in response.log


def test_amino_signed_sprint_message_stake():
    app = new_app(MemoryDB(), staking_state(KEYS, min_collateral=1_000))
    run_block(app)
    spec = TxSpec(messages=[stake_msg(KEYS[0].bech32, 5_000)], chain_id=CHAIN_ID, account_number=0, sequence=0)
    tx = build_signed_tx(KEYS[0], spec, sign_mode="amino-json")
    assert check(app, tx).code == 0
    block = run_block(app, [tx])
    assert block.codes == [0], block.results[0].log
    assert app.keepers.staking.bonded(app.committed_store(), KEYS[0].address) == 5_000
