"""Store prefix ownership: every module declares the prefixes it owns (its keys.py PREFIXES, on its
AppModule); no prefix of one module is a prefix of another's or of the app's own 0x00 meta keys;
and every key a multi-module run writes (auth, bank, staking, hosts, sprint, inference,
reputation, rewards) belongs to exactly one module."""

from __future__ import annotations

from chain.app import App
from chain.modules import registry
from chain.store import meta
from tests.helpers.staking import stake_msg
from tests.helpers.verification import VerifyNet

APP_META_PREFIX = meta.HEIGHT_KEY[:1]  # 0x00: height, app hash, chain id, tx index (chain/store/meta.py)
# App hash at the end of the multi-module run below, computed before the AppModule refactor (commit
# 0de5b4f): a key layout or write-order change shows up here. Change it only with a new vector and
# the reason in the commit message. Training module: its genesis writes two keys (0x80 params, 0x82
# next job id) and nothing else in this run; without them the hash is still 642cc5b6...ea3ad5e.
# Mint module: its genesis writes its params (0x90) and creates the "community_vault" and
# "dummy_tasks" accounts; it measures epoch 0 at height 12 (0x91) and keeps the open epoch's
# accumulator (0x92); training alone gave 3354597e...e82e5559.
MULTI_MODULE_RUN_APP_HASH = (12, "99e451837965324f86bdde4741cccac9d535badc853a9f23809df6ef0fb1d8f0")


def _modules():
    return registry.ModuleManager(registry.build_keepers()).modules


def _owners(key: bytes, modules) -> list[str]:
    return [m.name for m in modules for prefix in m.prefixes if key.startswith(prefix)]


def test_module_prefixes_are_disjoint_and_leave_the_app_meta_prefix_alone():
    owned = [(m.name, prefix) for m in _modules() for prefix in m.prefixes]
    assert owned, "modules declare no prefixes"
    for i, (name, prefix) in enumerate(owned):
        assert prefix and not prefix.startswith(APP_META_PREFIX), (name, prefix)
        for other_name, other in owned[i + 1:]:
            assert not prefix.startswith(other) and not other.startswith(prefix), \
                f"{name} {prefix.hex()} overlaps {other_name} {other.hex()}"


def _multi_module_run(monkeypatch) -> tuple[VerifyNet, set[bytes]]:
    """Jobs (one delivered, one left to expire), validation secrets, checks, a stake and an epoch's
    settlement; returns the net and every key any block wrote or deleted (InitChain's included)."""
    written: set[bytes] = set()
    original = App.commit

    def recording_commit(self, req=None):
        written.update(self.block_cache.writes)
        return original(self, req)

    monkeypatch.setattr(App, "commit", recording_commit)
    net = VerifyNet(4)
    _, job_id = net.submit(0)
    _, expiring = net.submit(1)
    x = net.executor_index(net.job(job_id))
    others = net.others(job_id)
    secrets = {i: net.grind(i, job_id, True, executor=x if i != x else others[0]) for i in range(4)}
    net.run(*[(i, net.commit_secret(i, secrets[i])) for i in sorted(secrets)])
    net.deliver(job_id)
    net.run((net.hosts[0].operator, stake_msg(net.hosts[0].bech32, 1_000)))
    net.advance_to(net.bounds(0).validation_end)
    net.run(*[(i, net.check(i, job_id)) for i in others])
    net.advance_to(net.bounds(0).end)
    net.run(*[(i, net.reveal_secret(i, secrets[i])) for i in sorted(secrets)])
    net.advance_to(net.bounds(1).start + 1)
    assert net.job(expiring).status != net.job(job_id).status
    return net, written


def test_every_key_written_in_a_multi_module_run_belongs_to_exactly_one_module(monkeypatch):
    modules = _modules()
    net, written = _multi_module_run(monkeypatch)
    assert (net.app.height, net.app.app_hash.hex()) == MULTI_MODULE_RUN_APP_HASH
    writers: dict[str, int] = {}
    for key in sorted(written):
        owners = _owners(key, modules)
        assert len(owners) == 1, f"key {key.hex()} is owned by {owners or 'no module'}"
        writers[owners[0]] = writers.get(owners[0], 0) + 1
    assert set(writers) >= {"auth", "bank", "staking", "hosts", "sprint", "inference", "reputation", "rewards"}, writers
