"""Moved to genesis.grpc_limits (a node-home file format that genesis writes); this re-export keeps the old
import path working. New code imports genesis.grpc_limits."""

from genesis.grpc_limits import *  # noqa: F401,F403
