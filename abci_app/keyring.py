"""Moved to genesis.keyring (a node-home file format that genesis writes); this re-export keeps the old
import path working. New code imports genesis.keyring."""

from genesis.keyring import *  # noqa: F401,F403
