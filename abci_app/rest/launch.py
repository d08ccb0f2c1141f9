"""Starting the REST gateway inside `sprintd start`, next to the gRPC server it shares servicers with."""

from __future__ import annotations

import logging

from abci_app.grpc.consensus_service import ConsensusQuery
from abci_app.grpc.tendermint_service import TendermintService
from abci_app.rest.server import RestBindError, RestServer, build_rest_server

log = logging.getLogger("sprint.rest")


def node_servicers(app, rpc, grpc_server) -> dict[str, list]:
    """The servicers the gateway calls: the gRPC server's own TxService (so both share its caps,
    such as the Simulate limit) and stateless ConsensusQuery and TendermintService instances."""
    return {
        "cosmos.tx.v1beta1.Service": [getattr(grpc_server, "tx_service", None)],
        "cosmos.consensus.v1.Query": [ConsensusQuery(app)],
        "cosmos.base.tendermint.v1beta1.Service": [TendermintService(app, rpc)],
    }


def start_gateway(app, rpc, address: str, worker_threads: int, grpc_server) -> RestServer | None:
    """Start the gateway on `address`; None when it is disabled (empty address) or cannot listen.

    A busy address only logs a warning: several nodes of a one-machine localnet share the default
    127.0.0.1:1317, and the REST gateway is an optional convenience next to gRPC."""
    if not address:
        return None
    try:
        server = build_rest_server(app, address, node_servicers(app, rpc, grpc_server), worker_threads)
    except RestBindError as err:
        log.warning("rest gateway disabled: %s (set rest_address in app.toml; empty disables)", err)
        return None
    server.start()
    log.info("rest listening addr=%s threads=%d routes=%d", server.address, worker_threads,
             len(server.gateway.routes))
    return server
