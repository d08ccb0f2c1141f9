"""The REST/LCD gateway (port 1317): the Cosmos SDK's grpc-gateway routes as plain HTTP + JSON.

`build_rest_server(app, address, servicers)` returns a `RestServer`; see abci_app/rest/routes.py
for how routes are derived and abci_app/rest/codec.py for the JSON and query-string mapping.
"""

from abci_app.rest.server import RestBindError, RestServer, build_rest_server

__all__ = ["RestBindError", "RestServer", "build_rest_server"]
