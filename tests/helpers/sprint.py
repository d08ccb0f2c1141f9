"""Helpers for Sprint tests: a genesis of N bonded hosts whose worker accounts are funded, blocks of
signed worker txs, phase navigation and typed queries.

    net = SprintNet(4)                       # 4 hosts, weight 10 each, tiny 11-block epochs
    net.advance_to(net.bounds(0).start)      # next block is the first commit block
    block = net.run((0, net.commit(0)), (1, net.commit(1)))
    assert block.codes == [0, 0]

Host i: operator key make_key(i) (account i), worker key make_key(20 + i) (account n + i),
consensus key staking.consensus_pubkey(i); `net.outsider` is a funded account that is no worker.
The chain's test block hash of height h is sha256(b"block%d" % h) (tests.helpers.chain.finalize).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import cosmpy.protos  # noqa: F401
from tendermint.abci import types_pb2 as abci
from sprint.sprint.v1 import query_pb2
from sprint.sprint.v1.tx_pb2 import MsgCommitSeed, MsgRevealSeed, MsgSubmitProofBatch, MsgSubmitProofValidation

from chain.modules.sprint import msg_server, randomness
from chain.modules.sprint.epochs import Bounds, bounds
from chain.modules.sprint.genesis import parse_params
from chain.store.memory import MemoryDB
from chain.tx.builder import pack_any
from chain.tx.crypto import SigningKey
from tests.helpers.chain import make_key, new_app, run_block, sequence, sign_messages
from tests.helpers.staking import consensus_pubkey, staking_state

WORKER_KEY_OFFSET = 20
OUTSIDER_KEY_INDEX = 40
MIN_COLLATERAL = 1_000_000
COLLATERAL = 10_000_000
GAS_LIMIT = 2_000_000
FEE = 50_000  # = ceil(GAS_LIMIT * 0.025)

# 11-block epochs: commit 1-2, reveal 3-4, sprint 5-6, proof 7-8, validation 9-10, settlement 11.
TINY_PARAMS = {
    "commit_blocks": "2", "reveal_blocks": "2", "sprint_blocks": "2", "proof_blocks": "2",
    "validation_blocks": "2", "settlement_blocks": "1", "pow_config": "test",
    "distance_threshold_micro": "1000", "max_nonce": "1000", "max_batch_nonces": 8,
    "max_nonces_per_epoch": "20", "validation_sample": 4, "distance_tolerance_micro": "10",
    "max_sample_mismatches": 1, "assignment_weight_bps": 6700, "max_power_bps": 5000,
    "slash_fraction_bps": 1000,
}


def block_hash_at(height: int) -> bytes:
    """The block hash tests.helpers.chain.finalize passes for `height`."""
    return hashlib.sha256(b"block%d" % height).digest()


@dataclass
class TestHost:
    __test__ = False

    index: int
    operator: SigningKey
    worker: SigningKey
    worker_account: int
    pubkey: bytes

    @property
    def address(self) -> bytes:
        return self.operator.address

    @property
    def bech32(self) -> str:
        return self.operator.bech32

    def secret(self, epoch: int) -> bytes:
        return hashlib.sha256(b"sprint-test-secret|%d|%d" % (self.index, epoch)).digest()


def host_entry(host: TestHost, weight: int, status: str = "HOST_STATUS_ACTIVE") -> dict:
    return {"operator": host.bech32, "consensus_pubkey": base64.b64encode(host.pubkey).decode(),
            "worker_pubkey": base64.b64encode(host.worker.pubkey).decode(), "endpoint": "",
            "moniker": f"host{host.index}", "weight": str(weight), "status": status}


def sprint_state(n: int, weights=None, params: dict | None = None, statuses=None) -> tuple[dict, list[TestHost], SigningKey]:
    """(app_state, hosts, outsider key): n bonded hosts with funded worker accounts."""
    weights = list(weights) if weights is not None else [10] * n
    operators = [make_key(i) for i in range(n)]
    workers = [make_key(WORKER_KEY_OFFSET + i) for i in range(n)]
    outsider = make_key(OUTSIDER_KEY_INDEX)
    hosts = [TestHost(i, operators[i], workers[i], n + i, consensus_pubkey(i)) for i in range(n)]
    app_state = staking_state(operators + workers + [outsider], bonds={k.bech32: COLLATERAL for k in operators},
                              min_collateral=MIN_COLLATERAL)
    statuses = statuses or ["HOST_STATUS_ACTIVE"] * n
    app_state["hosts"] = {"hosts": [host_entry(h, w, s) for h, w, s in zip(hosts, weights, statuses)]}
    app_state["sprint"] = {"params": dict(TINY_PARAMS, **(params or {}))}
    return app_state, hosts, outsider


class SprintNet:
    """An in-process App with n Sprint hosts, driven block by block."""

    def __init__(self, n: int = 4, weights=None, params: dict | None = None, statuses=None, db=None):
        self.app_state, self.hosts, self.outsider = sprint_state(n, weights, params, statuses)
        self.outsider_account = 2 * n
        self.app = new_app(db if db is not None else MemoryDB(), self.app_state)
        self.params = parse_params(self.app_state["sprint"]["params"])

    # --- navigation ----------------------------------------------------------------------------

    @property
    def next_height(self) -> int:
        return self.app.height + 1

    def bounds(self, epoch: int) -> Bounds:
        return bounds(self.params, epoch)

    def advance_to(self, height: int) -> list:
        """Run empty blocks until the next block is `height`; returns their BlockResults."""
        assert height >= self.next_height, f"already past height {height}"
        return [run_block(self.app) for _ in range(height - self.next_height)]

    # --- txs -----------------------------------------------------------------------------------

    def sign(self, signer, messages, offset: int = 0) -> bytes:
        """A tx of `messages` signed by host `signer`'s worker (an int index) or by a SigningKey."""
        if isinstance(signer, int):
            key, account = self.hosts[signer].worker, self.hosts[signer].worker_account
        else:
            key = signer
            account = self.outsider_account if key.secret == self.outsider.secret else signer_account(self, key)
        seq = (sequence(self.app, key.address) or 0) + offset
        return sign_messages(key, list(messages), seq, account_number=account, gas_limit=GAS_LIMIT, fee=FEE)

    def run(self, *entries):
        """One block of txs: each entry is (signer, msg or [msgs]); sequences follow within the block."""
        offsets: dict[bytes, int] = {}
        txs = []
        for signer, messages in entries:
            messages = messages if isinstance(messages, list) else [messages]
            key = self.hosts[signer].worker if isinstance(signer, int) else signer
            txs.append(self.sign(signer, messages, offsets.get(key.address, 0)))
            offsets[key.address] = offsets.get(key.address, 0) + 1
        return run_block(self.app, txs)

    def worker_of(self, i: int) -> str:
        return self.hosts[i].worker.bech32

    def commit(self, i: int, epoch: int = 0, secret: bytes | None = None):
        host = self.hosts[i]
        secret = host.secret(epoch) if secret is None else secret
        value = randomness.commitment(epoch, host.address, secret)
        return pack_any(MsgCommitSeed(worker=self.worker_of(i), epoch=epoch, commitment=value),
                        msg_server.MSG_COMMIT_SEED_URL)

    def reveal(self, i: int, epoch: int = 0, secret: bytes | None = None):
        secret = self.hosts[i].secret(epoch) if secret is None else secret
        return pack_any(MsgRevealSeed(worker=self.worker_of(i), epoch=epoch, secret=secret),
                        msg_server.MSG_REVEAL_SEED_URL)

    def batch(self, i: int, nonces, epoch: int = 0, distances=None, worker: str | None = None):
        distances = [n % 500 for n in nonces] if distances is None else distances
        return pack_any(MsgSubmitProofBatch(worker=worker or self.worker_of(i), epoch=epoch, nonces=list(nonces),
                                            distances=list(distances)), msg_server.MSG_SUBMIT_PROOF_BATCH_URL)

    def vote(self, i: int, prover: int, approve: bool = True, epoch: int = 0, checked: int = 4,
             mismatches: int | None = None):
        mismatches = (0 if approve else checked) if mismatches is None else mismatches
        return pack_any(MsgSubmitProofValidation(worker=self.worker_of(i), epoch=epoch,
                                                 prover=self.hosts[prover].bech32, approve=approve,
                                                 checked=checked, mismatches=mismatches),
                        msg_server.MSG_SUBMIT_PROOF_VALIDATION_URL)

    # --- whole phases --------------------------------------------------------------------------

    def commit_and_reveal(self, committers, revealers=None, epoch: int = 0) -> None:
        """Commit for `committers` in the first commit block, reveal for `revealers` (default: the
        same hosts) in the first reveal block, then advance to the first sprint block."""
        b = self.bounds(epoch)
        revealers = committers if revealers is None else revealers
        self.advance_to(b.start)
        assert self.run(*[(i, self.commit(i, epoch)) for i in committers]).codes == [0] * len(committers)
        self.advance_to(b.commit_end + 1)
        assert self.run(*[(i, self.reveal(i, epoch)) for i in revealers]).codes == [0] * len(revealers)
        self.advance_to(b.reveal_end + 1)

    def prove(self, batches: dict, epoch: int = 0) -> None:
        """Submit {host: nonces} in the current block, then advance to the first validation block."""
        block = self.run(*[(i, self.batch(i, nonces, epoch)) for i, nonces in batches.items()])
        assert block.codes == [0] * len(batches), [r.log for r in block.results]
        self.advance_to(self.bounds(epoch).proof_end + 1)

    def vote_all(self, approve_for: dict | None = None, epoch: int = 0) -> list:
        """Every assigned validator votes on each prover (approve unless approve_for[prover] is
        False); returns the BlockResult of the voting block."""
        approve_for = approve_for or {}
        entries = []
        for v, host in enumerate(self.hosts):
            for prover_bech32 in self.assignments(epoch, v):
                p = self.index_of(prover_bech32)
                entries.append((v, self.vote(v, p, approve_for.get(p, True), epoch)))
        block = self.run(*entries)
        assert block.codes == [0] * len(entries), [r.log for r in block.results]
        return block

    def settle(self, epoch: int = 0):
        """Advance to the last validation block and run it; returns its BlockResult."""
        b = self.bounds(epoch)
        self.advance_to(b.validation_end)
        return run_block(self.app)

    def index_of(self, bech32: str) -> int:
        return next(h.index for h in self.hosts if h.bech32 == bech32)

    def index_of_address(self, address: bytes) -> int:
        return next(h.index for h in self.hosts if h.address == address)

    # --- queries -------------------------------------------------------------------------------

    def query_raw(self, method: str, request) -> abci.ResponseQuery:
        return self.app.query(abci.RequestQuery(path=f"/sprint.sprint.v1.Query/{method}",
                                                data=request.SerializeToString()))

    def query(self, method: str, request, response_class):
        resp = self.query_raw(method, request)
        assert resp.code == 0, resp.log
        return response_class.FromString(resp.value)

    def summary(self, i: int, epoch: int = 0):
        return self.query("ProofSummary", query_pb2.QueryProofSummaryRequest(epoch=epoch, host=self.hosts[i].bech32),
                          query_pb2.QueryProofSummaryResponse).summary

    def epoch(self, number: int | None = None):
        request = query_pb2.QueryEpochRequest() if number is None else query_pb2.QueryEpochRequest(number=number)
        return self.query("Epoch", request, query_pb2.QueryEpochResponse)

    def weights(self):
        return self.query("Weights", query_pb2.QueryWeightsRequest(), query_pb2.QueryWeightsResponse)

    def assignments(self, epoch: int, i: int) -> list[str]:
        return list(self.query("Assignments", query_pb2.QueryAssignmentsRequest(epoch=epoch,
                                                                               validator=self.hosts[i].bech32),
                               query_pb2.QueryAssignmentsResponse).provers)

    def powers(self) -> dict[int, int]:
        """{host index: CometBFT power} from the Weights query."""
        rows = {w.host: w.power for w in self.weights().weights}
        return {h.index: rows[h.bech32] for h in self.hosts}

    def host_weights(self) -> dict[int, int]:
        rows = {w.host: w.weight for w in self.weights().weights}
        return {h.index: rows[h.bech32] for h in self.hosts}

    def bonded(self, i: int) -> int:
        return self.app.keepers.staking.bonded(self.app.committed_store(), self.hosts[i].address)


def signer_account(net: SprintNet, key: SigningKey) -> int:
    """Genesis account number of any key in the net (operators 0..n-1, workers n..2n-1)."""
    for host in net.hosts:
        if host.operator.secret == key.secret:
            return host.index
        if host.worker.secret == key.secret:
            return host.worker_account
    raise ValueError("not a key of this SprintNet")


def updates_of(block) -> list[tuple[bytes, int]]:
    """(ed25519 pubkey, power) validator updates of a BlockResult."""
    return [(u.pub_key.ed25519, u.power) for u in block.response.validator_updates]


def events_of(block, event_type: str) -> list[dict]:
    """Attributes (as dicts) of the block-level events of one type."""
    return [{a.key: a.value for a in e.attributes} for e in block.response.events if e.type == event_type]
