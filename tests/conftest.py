"""Test-wide settings: must run before anything imports grpc (see abci_app/__init__.py)."""

import os

os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
