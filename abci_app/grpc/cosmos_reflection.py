"""The Cosmos SDK's own reflection services, which explorers and some clients read:

* `cosmos.reflection.v1.ReflectionService/FileDescriptors`: the file descriptors of what this node
  serves (the same filtered set gRPC server reflection describes, see reflection_pool);
* `cosmos.base.reflection.v2alpha1.ReflectionService`: chain id, bech32 prefix, sign modes, the
  query services and methods served, the tx type and its message type URLs, and the interfaces
  (Msg, PubKey, AccountI) with their implementations.
"""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.base.reflection.v2alpha1 import reflection_pb2 as v2, reflection_pb2_grpc as v2_grpc
from cosmos.reflection.v1 import reflection_pb2 as v1, reflection_pb2_grpc as v1_grpc

from chain.tx.crypto import ACCOUNT_PREFIX

SIGN_MODES = (("SIGN_MODE_DIRECT", 1), ("SIGN_MODE_LEGACY_AMINO_JSON", 127))
_FIXED_INTERFACES = {
    "cosmos.crypto.PubKey": ["cosmos.crypto.secp256k1.PubKey"],
    "cosmos.auth.v1beta1.AccountI": ["cosmos.auth.v1beta1.BaseAccount", "cosmos.auth.v1beta1.ModuleAccount"],
}


class FileDescriptorsService(v1_grpc.ReflectionServiceServicer):
    def __init__(self, file_protos):
        self.files = list(file_protos)

    def FileDescriptors(self, request, context):
        return v1.FileDescriptorsResponse(files=self.files)


class ReflectionV2Service(v2_grpc.ReflectionServiceServicer):
    """`served` maps service name -> method names (what the node answers)."""

    def __init__(self, app, served: dict[str, set[str]]):
        self.app = app
        self.served = served

    def _msg_type_urls(self) -> list[str]:
        return self.app.router.type_urls()

    def GetAuthnDescriptor(self, request, context):
        modes = [v2.SigningModeDescriptor(name=name, number=number) for name, number in SIGN_MODES]
        return v2.GetAuthnDescriptorResponse(authn=v2.AuthnDescriptor(sign_modes=modes))

    def GetChainDescriptor(self, request, context):
        return v2.GetChainDescriptorResponse(chain=v2.ChainDescriptor(id=self.app.chain_id or ""))

    def GetCodecDescriptor(self, request, context):
        interfaces = {"cosmos.tx.v1beta1.Msg": [url.lstrip("/") for url in self._msg_type_urls()], **_FIXED_INTERFACES}
        return v2.GetCodecDescriptorResponse(codec=v2.CodecDescriptor(interfaces=[
            v2.InterfaceDescriptor(fullname=name, interface_implementers=[
                v2.InterfaceImplementerDescriptor(fullname=impl, type_url="/" + impl) for impl in impls])
            for name, impls in interfaces.items()]))

    def GetConfigurationDescriptor(self, request, context):
        return v2.GetConfigurationDescriptorResponse(
            config=v2.ConfigurationDescriptor(bech32_account_address_prefix=ACCOUNT_PREFIX))

    def GetQueryServicesDescriptor(self, request, context):
        services = [v2.QueryServiceDescriptor(
            fullname=name, is_module=name.endswith(".Query"),
            methods=[v2.QueryMethodDescriptor(name=m, full_query_path=f"/{name}/{m}") for m in sorted(methods)])
            for name, methods in sorted(self.served.items()) if methods and not name.startswith("grpc.")]
        return v2.GetQueryServicesDescriptorResponse(queries=v2.QueryServicesDescriptor(query_services=services))

    def GetTxDescriptor(self, request, context):
        msgs = [v2.MsgDescriptor(msg_type_url=url) for url in self._msg_type_urls()]
        return v2.GetTxDescriptorResponse(tx=v2.TxDescriptor(fullname="cosmos.tx.v1beta1.Tx", msgs=msgs))
