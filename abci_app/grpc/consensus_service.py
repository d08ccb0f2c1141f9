"""cosmos.consensus.v1.Query/Params: the consensus params recorded at InitChain."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import grpc
from cosmos.consensus.v1 import query_pb2, query_pb2_grpc

from abci_app.grpc.status import abort


class ConsensusQuery(query_pb2_grpc.QueryServicer):
    def __init__(self, app):
        self.app = app

    def Params(self, request, context):
        params = self.app.consensus_params()
        if params is None:
            abort(context, grpc.StatusCode.NOT_FOUND, "consensus params not available: chain not initialised")
        return query_pb2.QueryParamsResponse(params=params)
