"""app.toml settings for query history, the signature cache and blob uploads reach the node's parts."""

from __future__ import annotations

import pytest

from abci_app.node_config import NodeConfig, NodeConfigError


def _write(home, text: str) -> None:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "app.toml").write_text(text)


def test_blob_and_query_settings_round_trip(tmp_path):
    config = NodeConfig(query_history=7, sig_cache_bytes=4096, blob_min_free_bytes=123, blob_total_bytes=999)
    config.save(tmp_path)
    loaded = NodeConfig.load(tmp_path)
    assert (loaded.query_history, loaded.sig_cache_bytes) == (7, 4096)
    limits = loaded.blob_limits()
    assert (limits.min_free_bytes, limits.total_bytes) == (123, 999)


@pytest.mark.parametrize("line", ["query_history = -1", "sig_cache_bytes = 0", 'blob_total_bytes = "big"',
                                  "blob_max_concurrent_puts = 0"])
def test_out_of_range_settings_name_the_key(tmp_path, line):
    _write(tmp_path, line + "\n")
    with pytest.raises(NodeConfigError, match=line.split()[0]):
        NodeConfig.load(tmp_path)


def test_the_app_gets_query_history_and_signature_cache_size():
    from chain.app import App
    from chain.store.memory import MemoryDB

    app = App(MemoryDB(), sync_writes=False, query_history=3, sig_cache_bytes=176 * 10)
    assert app.query_history == 3 and app.runner.sig_cache.max_bytes == 1760
