"""Moved to genesis.blob_store (a node-home file format that genesis writes); this re-export keeps the old
import path working. New code imports genesis.blob_store."""

from genesis.blob_store import *  # noqa: F401,F403
