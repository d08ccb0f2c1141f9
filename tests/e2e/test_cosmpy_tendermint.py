"""cosmpy's LedgerClient against a real devnet: chain id, height, latest block and node info come
from cosmos.base.tendermint.v1beta1.Service (converted from CometBFT's RPC); the tx service's
explorer methods over CometBFT's tx indexer; Simulate through CometBFT's abci_query."""

from __future__ import annotations

import base64

import cosmpy.protos  # noqa: F401
import grpc
import pytest
from cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from cosmos.base.abci.v1beta1.abci_pb2 import TxMsgData
from cosmos.base.tendermint.v1beta1 import query_pb2 as tm_q, query_pb2_grpc as tm_grpc
from cosmos.tx.v1beta1 import service_pb2 as tx_s, service_pb2_grpc as tx_grpc
from cosmpy.aerial.client import LedgerClient, NetworkConfig
from cosmpy.aerial.wallet import LocalWallet

from abci_app.rpc_client import CometRpc
from chain.tx.builder import TxSpec, build_signed_tx, msg_send
from chain.tx.crypto import SigningKey


@pytest.fixture(scope="module")
def channel(devnet):
    _, processes = devnet
    with grpc.insecure_channel(processes.grpc_address) as ch:
        yield ch


def _ledger(info, processes) -> LedgerClient:
    config = NetworkConfig(chain_id=info["chain_id"], url=f"grpc+http://{processes.grpc_address}",
                           fee_minimum_gas_price=0.025, fee_denomination="usprint", staking_denomination="usprint")
    return LedgerClient(config)


def test_cosmpy_chain_id_height_and_latest_block(devnet):
    info, processes = devnet
    client = _ledger(info, processes)
    assert client.query_chain_id() == info["chain_id"]
    height = client.query_height()
    assert height >= 1
    block = client.query_latest_block()
    assert block.chain_id == info["chain_id"] and block.height >= height
    assert client.query_block(1).height == 1
    node = client.query_node_info()
    assert node.app_name == "sprintchain" and str(node.cosmos_sdk_version).startswith("0.53")


def test_blocks_match_cometbft(devnet, channel):
    _, processes = devnet
    stub = tm_grpc.ServiceStub(channel)
    answer = stub.GetBlockByHeight(tm_q.GetBlockByHeightRequest(height=2))
    raw = CometRpc(processes.rpc_url).block(2)
    assert answer.block_id.hash.hex().upper() == raw["block_id"]["hash"]
    assert answer.block.header.app_hash.hex().upper() == raw["block"]["header"]["app_hash"]
    assert answer.block.header.proposer_address.hex().upper() == raw["block"]["header"]["proposer_address"]
    assert answer.sdk_block.header.proposer_address.startswith("sprintvalcons1")
    assert answer.block.last_commit.height == 1 and answer.block.last_commit.signatures
    assert answer.block.header.time.ToJsonString()[:19] == raw["block"]["header"]["time"][:19]
    with pytest.raises(grpc.RpcError) as err:
        stub.GetBlockByHeight(tm_q.GetBlockByHeightRequest(height=10**9))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_validator_sets_syncing_node_info_and_abci_query(devnet, channel):
    info, processes = devnet
    stub = tm_grpc.ServiceStub(channel)
    latest = stub.GetLatestValidatorSet(tm_q.GetLatestValidatorSetRequest())
    assert latest.block_height >= 1 and latest.pagination.total == len(latest.validators) >= 1
    validator = latest.validators[0]
    assert validator.address.startswith("sprintvalcons1") and validator.voting_power > 0
    assert validator.pub_key.type_url == "/cosmos.crypto.ed25519.PubKey"
    at_one = stub.GetValidatorSetByHeight(tm_q.GetValidatorSetByHeightRequest(
        height=1, pagination=PageRequest(limit=1)))
    assert at_one.block_height == 1 and len(at_one.validators) == 1
    assert not stub.GetSyncing(tm_q.GetSyncingRequest()).syncing
    node = stub.GetNodeInfo(tm_q.GetNodeInfoRequest())
    assert node.default_node_info.network == info["chain_id"] and node.default_node_info.default_node_id
    query = stub.ABCIQuery(tm_q.ABCIQueryRequest(path="/cosmos.auth.v1beta1.Query/Bech32Prefix"))
    assert query.code == 0 and b"sprint" in query.value


def test_explorer_methods_find_a_sent_tx(devnet, channel):
    """GetTxsEvent (CometBFT's tx indexer) and GetBlockWithTxs find a tx cosmpy sent; its data is
    the hex TxMsgData; Simulate answers through CometBFT's abci_query as CosmJS calls it."""
    info, processes = devnet
    client = _ledger(info, processes)
    wallet = LocalWallet.from_mnemonic(info["accounts"][2]["mnemonic"], prefix="sprint")
    sent = client.send_tokens(info["accounts"][3]["address"], 1_000, "usprint", wallet)
    sent.wait_to_complete()
    assert sent.response.code == 0, sent.response.raw_log
    stub = tx_grpc.ServiceStub(channel)
    sender = str(wallet.address())
    by_query = stub.GetTxsEvent(tx_s.GetTxsEventRequest(query=f"message.sender='{sender}'", limit=10))
    assert sent.tx_hash in [r.txhash for r in by_query.tx_responses] and by_query.total >= 1
    mine = next(r for r in by_query.tx_responses if r.txhash == sent.tx_hash)
    assert TxMsgData.FromString(bytes.fromhex(mine.data)).msg_responses[0].type_url.endswith("MsgSendResponse")
    assert mine.timestamp and mine.height > 0
    by_events = stub.GetTxsEvent(tx_s.GetTxsEventRequest(events=[f"message.sender={sender}"],
                                                         order_by=tx_s.ORDER_BY_DESC))
    assert by_events.tx_responses[0].txhash == sent.tx_hash
    with_txs = stub.GetBlockWithTxs(tx_s.GetBlockWithTxsRequest(height=mine.height))
    assert with_txs.block.header.height == mine.height and with_txs.pagination.total >= 1
    assert any(m.type_url == "/cosmos.bank.v1beta1.MsgSend" for tx in with_txs.txs for m in tx.body.messages)
    _simulate_through_abci_query(info, processes, wallet, client)


def _simulate_through_abci_query(info, processes, wallet, client):
    account = client.query_account(wallet.address())
    key = SigningKey(wallet.signer().private_key_bytes)
    tx = build_signed_tx(key, TxSpec(messages=[msg_send(str(wallet.address()), info["accounts"][3]["address"], 5,
                                                        "usprint")],
                                     chain_id=info["chain_id"], account_number=account.number,
                                     sequence=account.sequence, gas_limit=200_000, fee_amount=5_000))
    answer = CometRpc(processes.rpc_url).call("abci_query", path="/cosmos.tx.v1beta1.Service/Simulate",
                                              data=tx_s.SimulateRequest(tx_bytes=tx).SerializeToString().hex())
    assert answer["response"]["code"] == 0, answer["response"]["log"]
    simulated = tx_s.SimulateResponse.FromString(base64.b64decode(answer["response"]["value"]))
    assert simulated.gas_info.gas_used > 0 and simulated.result.msg_responses
