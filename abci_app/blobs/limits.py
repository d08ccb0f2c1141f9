"""Moved to genesis.blob_limits (a node-home file format that genesis writes); this re-export keeps the old
import path working. New code imports genesis.blob_limits."""

from genesis.blob_limits import *  # noqa: F401,F403
