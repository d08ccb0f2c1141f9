"""Node process: ABCI socket server, gRPC services, CometBFT RPC client, CLI."""

import os

# gRPC's fork handlers abort the process when a child is forked with a preexec_fn (the devnet
# supervisor does, to tie children to its lifetime) while gRPC threads exist. We never use gRPC
# in a forked child, so turn them off before grpc is first imported.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
