"""Reflection tells the truth: every method that gRPC server reflection lists answers something other
than UNIMPLEMENTED (called with an empty request), methods not served are not listed, and the
Cosmos reflection services (v1 FileDescriptors, v2alpha1) describe the same surface."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import grpc
import pytest
from cosmos.base.reflection.v2alpha1 import reflection_pb2 as v2, reflection_pb2_grpc as v2_grpc
from cosmos.reflection.v1 import reflection_pb2 as v1, reflection_pb2_grpc as v1_grpc
from google.protobuf import descriptor_pb2
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from abci_app.blobs.store import BlobStore
from abci_app.grpc.server import build_grpc_server
from abci_app.ports import free_port
from abci_app.rpc_client import CometRpc
from chain.store.memory import MemoryDB
from tests.helpers.chain import CHAIN_ID, genesis_state, make_keys, new_app, run_block

CALL_TIMEOUT = 3.0


@pytest.fixture(scope="module")
def channel(tmp_path_factory):
    app = new_app(MemoryDB(), genesis_state(make_keys(1)))
    run_block(app)
    address = f"127.0.0.1:{free_port()}"
    rpc = CometRpc(f"http://127.0.0.1:{free_port()}", timeout=1)  # no CometBFT: UNAVAILABLE, not UNIMPLEMENTED
    server = build_grpc_server(app, rpc, address, blob_store=BlobStore(tmp_path_factory.mktemp("blobs")))
    server.start()
    try:
        with grpc.insecure_channel(address) as ch:
            yield ch
    finally:
        server.stop(0).wait(5)


def _reflect(channel, **request):
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    return next(iter(stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(**request)]))))


def listed_methods(channel) -> list[tuple[str, descriptor_pb2.MethodDescriptorProto]]:
    """(service, method) for every method that reflection describes."""
    out = []
    for service in _reflect(channel, list_services="").list_services_response.service:
        answer = _reflect(channel, file_containing_symbol=service.name)
        files = [descriptor_pb2.FileDescriptorProto.FromString(raw)
                 for raw in answer.file_descriptor_response.file_descriptor_proto]
        package, _, short = service.name.rpartition(".")
        found = [s for f in files if f.package == package for s in f.service if s.name == short]
        assert len(found) == 1, f"reflection has no descriptor for {service.name}"
        out.extend((service.name, method) for method in found[0].method)
    return out


def _call(channel, service: str, method) -> grpc.StatusCode:
    path = f"/{service}/{method.name}"
    kinds = {(False, False): channel.unary_unary, (False, True): channel.unary_stream,
             (True, False): channel.stream_unary, (True, True): channel.stream_stream}
    call = kinds[(method.client_streaming, method.server_streaming)](path)
    request = iter([b""]) if method.client_streaming else b""
    try:
        answer = call(request, timeout=CALL_TIMEOUT)
        if method.server_streaming:
            next(iter(answer), None)
    except grpc.RpcError as err:
        return err.code()
    return grpc.StatusCode.OK


def test_every_listed_method_answers(channel):
    methods = listed_methods(channel)
    assert len(methods) > 40
    unimplemented = [f"{s}/{m.name}" for s, m in methods if _call(channel, s, m) == grpc.StatusCode.UNIMPLEMENTED]
    assert unimplemented == []


def test_unserved_methods_are_not_listed(channel):
    names = {f"{s}/{m.name}" for s, m in listed_methods(channel)}
    assert "cosmos.tx.v1beta1.Service/Simulate" in names and "cosmos.tx.v1beta1.Service/GetTxsEvent" in names
    assert "cosmos.base.tendermint.v1beta1.Service/GetLatestBlock" in names
    assert "cosmos.tx.v1beta1.Service/TxEncodeAmino" not in names  # not served, so not described


def test_cosmos_reflection_services(channel):
    files = v1_grpc.ReflectionServiceStub(channel).FileDescriptors(v1.FileDescriptorsRequest(), timeout=5).files
    assert "cosmos/tx/v1beta1/service.proto" in {f.name for f in files}
    stub = v2_grpc.ReflectionServiceStub(channel)
    assert stub.GetChainDescriptor(v2.GetChainDescriptorRequest()).chain.id == CHAIN_ID
    config = stub.GetConfigurationDescriptor(v2.GetConfigurationDescriptorRequest()).config
    assert config.bech32_account_address_prefix == "sprint"
    msgs = [m.msg_type_url for m in stub.GetTxDescriptor(v2.GetTxDescriptorRequest()).tx.msgs]
    assert "/cosmos.bank.v1beta1.MsgSend" in msgs
    queries = stub.GetQueryServicesDescriptor(v2.GetQueryServicesDescriptorRequest()).queries.query_services
    bank = next(q for q in queries if q.fullname == "cosmos.bank.v1beta1.Query")
    assert any(m.full_query_path == "/cosmos.bank.v1beta1.Query/Balance" for m in bank.methods)
