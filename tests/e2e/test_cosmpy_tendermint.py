"""cosmpy's LedgerClient against a real devnet: chain id, height, latest block and node info come
from cosmos.base.tendermint.v1beta1.Service (converted from CometBFT's RPC)."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import grpc
import pytest
from cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from cosmos.base.tendermint.v1beta1 import query_pb2 as tm_q, query_pb2_grpc as tm_grpc
from cosmpy.aerial.client import LedgerClient, NetworkConfig

from abci_app.rpc_client import CometRpc


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
