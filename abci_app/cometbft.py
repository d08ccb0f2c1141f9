"""The node's view of the `cometbft` binary and its config files.

The implementation lives in genesis.cometbft_home (generating node directories is genesis's job, and
abci_app imports genesis, never the reverse); this module keeps the node's historical import path.
"""

from __future__ import annotations

from genesis.cometbft_home import (
    COMETBFT_MODULE,
    COMETBFT_VERSION,
    CONFIG_TOML,
    DEFAULT_MAX_BLOCK_BYTES,
    GENESIS_JSON,
    INSTALL_HINT,
    NODE_KEY,
    PRIV_VALIDATOR_KEY,
    PRIV_VALIDATOR_STATE,
    QUIET_LOG_LEVEL,
    CometBFTError,
    CometBFTNotFound,
    atomic_write,
    check_cometbft_version,
    cometbft_version,
    find_cometbft,
    format_genesis_time,
    init_cometbft_home,
    node_id,
    patch_config,
    read_config,
    read_genesis,
    set_config_values,
    set_toml_values,
    toml_value,
    validate_chain_id,
    write_genesis,
)

__all__ = [
    "COMETBFT_MODULE", "COMETBFT_VERSION", "CONFIG_TOML", "DEFAULT_MAX_BLOCK_BYTES", "GENESIS_JSON", "INSTALL_HINT",
    "NODE_KEY", "PRIV_VALIDATOR_KEY", "PRIV_VALIDATOR_STATE", "QUIET_LOG_LEVEL", "CometBFTError", "CometBFTNotFound",
    "atomic_write", "check_cometbft_version", "cometbft_version", "find_cometbft", "format_genesis_time",
    "init_cometbft_home", "node_id", "patch_config", "read_config", "read_genesis", "set_config_values",
    "set_toml_values", "toml_value", "validate_chain_id", "write_genesis",
]
