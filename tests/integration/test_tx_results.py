"""ExecTxResult like the SDK's: `data` = TxMsgData{msg_responses}, events tagged with `msg_index`."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.bank.v1beta1.tx_pb2 import MsgSendResponse
from cosmos.base.abci.v1beta1.abci_pb2 import TxMsgData
from sprint.inference.v1.tx_pb2 import MsgSubmitInferenceResponse

from chain.modules.registry import build_router
from chain.store.memory import MemoryDB
from chain.tx.builder import msg_send
from tests.helpers.chain import genesis_state, make_keys, make_send, new_app, run_block, sign_messages
from tests.helpers.staking import stake_msg, staking_state

KEYS = make_keys(3)


def attributes(event) -> list[tuple[str, str]]:
    return [(a.key, a.value) for a in event.attributes]


def test_send_result_carries_msg_send_response_and_indexed_events():
    app = new_app(MemoryDB(), genesis_state(KEYS))
    run_block(app)
    tx = sign_messages(KEYS[0], [msg_send(KEYS[0].bech32, KEYS[1].bech32, 5),
                                 msg_send(KEYS[0].bech32, KEYS[2].bech32, 7)], sequence=0)
    result = run_block(app, [tx]).results[0]
    assert result.code == 0, result.log
    data = TxMsgData.FromString(result.data)
    assert [r.type_url for r in data.msg_responses] == ["/cosmos.bank.v1beta1.MsgSendResponse"] * 2
    assert all(MsgSendResponse.FromString(r.value) == MsgSendResponse() for r in data.msg_responses)
    assert not data.data  # the deprecated field stays empty, as in SDK v0.50+
    # ante events (fee, acc_seq) carry no msg_index; each message's events carry theirs, last
    tagged = [(e.type, dict(attributes(e)).get("msg_index")) for e in result.events]
    assert ("tx", None) in tagged
    assert [i for t, i in tagged if t == "message"] == ["0", "1"]
    assert [i for t, i in tagged if t == "transfer"][-2:] == ["0", "1"]
    for event in result.events:
        if dict(attributes(event)).get("msg_index") is not None:
            assert attributes(event)[-1][0] == "msg_index"
    transfers = [dict(attributes(e)) for e in result.events if e.type == "transfer"]
    recipients = [t for t in transfers if "msg_index" in t]
    assert [(r["recipient"], r["msg_index"]) for r in recipients] == [(KEYS[1].bech32, "0"), (KEYS[2].bech32, "1")]


def test_failed_tx_has_no_data():
    app = new_app(MemoryDB(), genesis_state(KEYS))
    run_block(app)
    too_much = make_send(KEYS[0], KEYS[1].bech32, 10**15, sequence=0)
    result = run_block(app, [too_much]).results[0]
    assert result.code == 5 and result.data == b""


def test_our_messages_answer_their_response_type_url():
    app = new_app(MemoryDB(), staking_state(KEYS, min_collateral=1_000))
    run_block(app)
    result = run_block(app, [sign_messages(KEYS[0], [stake_msg(KEYS[0].bech32, 2_000)], sequence=0)]).results[0]
    assert result.code == 0, result.log
    (response,) = TxMsgData.FromString(result.data).msg_responses
    assert (response.type_url, response.value) == ("/sprint.staking.v1.MsgStakeResponse", b"")


def test_submit_inference_response_carries_the_job_id():
    router = build_router()
    packed = router.response_any("/sprint.inference.v1.MsgSubmitInference", 42)
    assert packed.type_url == "/sprint.inference.v1.MsgSubmitInferenceResponse"
    assert MsgSubmitInferenceResponse.FromString(packed.value).job_id == 42


def test_result_data_is_identical_across_nodes():
    blocks = []
    for _ in range(2):
        app = new_app(MemoryDB(), genesis_state(KEYS))
        run_block(app)
        blocks.append(run_block(app, [make_send(KEYS[0], KEYS[1].bech32, 5, sequence=0)]))
    assert blocks[0].results[0].SerializeToString() == blocks[1].results[0].SerializeToString()
    assert blocks[0].app_hash == blocks[1].app_hash
