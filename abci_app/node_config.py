"""Moved to genesis.node_config (a node-home file format that genesis writes); this re-export keeps the old
import path working. New code imports genesis.node_config."""

from genesis.node_config import *  # noqa: F401,F403
