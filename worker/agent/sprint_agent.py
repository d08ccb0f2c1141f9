"""SprintAgent: what a host's worker does in each phase of each epoch.

    commit      draw a 32-byte secret (saved first), send MsgCommitSeed
    reveal      send MsgRevealSeed with the saved secret
    sprint      search nonces with the PoW function between blocks; one batch per block
    proof       submit whatever is still pending
    validation  re-run a seeded sample of each assigned prover's nonces, vote
    settlement  nothing (the chain settles weights and powers)

Submission is reconciled against the chain each block: a nonce is pending when the state file
has it, the chain's Proofs list does not, and no recent in-flight tx carries it. So a restart
neither resubmits what landed nor forgets what was found.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time

from sprint.sprint.v1 import sprint_pb2, tx_pb2

from abci_app.client import NodeClient, NodeError
from chain.tx.crypto import SigningKey, decode_address
from worker.agent.chain_view import ChainView
from worker.agent.cheat import Cheat, fabricated_nonces
from worker.agent.state import EpochState, InFlight, StateFile
from worker.agent.tx_sender import TxSender
from worker.metrics import WorkerMetrics

log = logging.getLogger("sprint.worker")

COMMIT_DOMAIN = b"sprint/commit/v1"
IN_FLIGHT_BLOCKS = 4  # after this many blocks without inclusion, a tx's nonces count as pending again
SEARCH_CHUNK_SECONDS = 0.25
FABRICATED_PER_BLOCK = 3


def seed_commitment(epoch: int, operator: bytes, secret: bytes) -> bytes:
    """sha256("sprint/commit/v1" || epoch (8 bytes BE) || operator (20 bytes) || secret (32 bytes))."""
    return hashlib.sha256(COMMIT_DOMAIN + epoch.to_bytes(8, "big") + operator + secret).digest()


class NotAHost(Exception):
    pass


class SprintAgent:
    def __init__(self, client: NodeClient, key: SigningKey, chain_id: str, state_path, *,
                 cheat: Cheat | None = None, device: str = "cpu", echo=print, metrics: WorkerMetrics | None = None):
        self.metrics = metrics if metrics is not None else WorkerMetrics()
        self.view = ChainView(client)
        self.sender = TxSender(client, key, chain_id, self.metrics)
        self.worker = key.bech32
        host = self.view.host_of_worker(key.pubkey)
        if host is None:
            raise NotAHost(f"worker key {key.bech32} is not the worker of any registered host; "
                           "register one with `sprintd tx hosts register`")
        self.operator, self.host_pubkey = host.operator, host.consensus_pubkey
        self.state = StateFile(state_path)
        self.cheat, self.device, self.echo = cheat, device, echo
        self.params = self.view.params()
        self._function = (b"", None)
        self._chunk = 64
        self.searched = 0
        self.inference = None  # an InferenceAgent stepping each block after the Sprint's own work
        self.training = None  # a TrainingAgent stepping each block after inference

    # ------------------------------------------------------------------ main loop

    def run(self, follower, max_blocks: int = 0, stop=lambda: False) -> None:
        seen, last = 0, 0
        while not stop() and (max_blocks == 0 or seen < max_blocks):
            height = follower.wait_beyond(last, timeout=5.0)
            if height <= last:
                continue
            last, seen = height, seen + 1
            new_block = lambda: follower.latest > height or stop()  # noqa: E731
            try:
                epoch = self.step(height)
                self._inference_step(height, epoch, new_block)
                self._hook_step(self.training, "training", height, epoch, new_block)
                if epoch.phase == sprint_pb2.PHASE_SPRINT:
                    self.search_until(epoch, new_block)  # yields to the next block's jobs
            except NodeError as err:  # a busy or restarting node: try again next block
                self.echo(f"height {height}: {err}")

    def _inference_step(self, height: int, epoch, done) -> None:
        """Inference work of this block (jobs, checks, votes, secrets) until `done()`; its failures
        never stop the Sprint."""
        self._hook_step(self.inference, "inference", height, epoch, done)

    def _hook_step(self, hook, name: str, height: int, epoch, done) -> None:
        """`hook.step(height, epoch, done)` (inference, training) when attached; its failures never
        stop the Sprint."""
        if hook is None:
            return
        try:
            hook.step(height, epoch, done)
        except NodeError:
            raise
        except Exception as err:  # noqa: BLE001 - a torch or blob failure must not cost sprint windows
            log.exception("%s step failed", name)
            self.echo(f"height {height}: {name} step failed ({err})")

    def step(self, height: int):
        """Do this block's work for the current phase; returns the EpochInfo acted on."""
        epoch = self.view.epoch()
        self.metrics.saw_block(height, epoch.number, epoch.phase)
        st = self.state.epoch(epoch.number)
        handler = {
            sprint_pb2.PHASE_COMMIT: self._commit, sprint_pb2.PHASE_REVEAL: self._reveal,
            sprint_pb2.PHASE_SPRINT: self._submit, sprint_pb2.PHASE_PROOF: self._submit,
            sprint_pb2.PHASE_VALIDATION: self._validate,
        }.get(epoch.phase)
        if handler is not None:
            handler(epoch, st, height)
        return epoch

    # ------------------------------------------------------------------ seed commit-reveal

    def _commit(self, epoch, st: EpochState, height: int) -> None:
        summary = self.view.summary(epoch.number, self.operator)
        if (summary is not None and summary.committed) or _recent(st.commit_tx, height):
            return
        if not st.secret:
            st.secret = os.urandom(32).hex()
            self.state.save()  # the secret must survive a crash before the commit goes out
        commitment = seed_commitment(epoch.number, decode_address(self.operator), bytes.fromhex(st.secret))
        msg = tx_pb2.MsgCommitSeed(worker=self.worker, epoch=epoch.number, commitment=commitment)
        st.commit_tx = self._send(msg, height, f"epoch {epoch.number}: seed commit")
        self.state.save()

    def _reveal(self, epoch, st: EpochState, height: int) -> None:
        summary = self.view.summary(epoch.number, self.operator)
        if summary is None or not summary.committed or summary.revealed or _recent(st.reveal_tx, height):
            return
        if not st.secret:
            self.echo(f"epoch {epoch.number}: committed but the secret is lost; cannot reveal")
            return
        msg = tx_pb2.MsgRevealSeed(worker=self.worker, epoch=epoch.number, secret=bytes.fromhex(st.secret))
        st.reveal_tx = self._send(msg, height, f"epoch {epoch.number}: seed reveal")
        self.state.save()

    # ------------------------------------------------------------------ proofs

    def participating(self, epoch) -> bool:
        summary = self.view.summary(epoch.number, self.operator)
        return bool(epoch.seed) and summary is not None and summary.revealed

    def _submit(self, epoch, st: EpochState, height: int) -> None:
        if not self.participating(epoch):
            return
        if self.cheat is not None and epoch.phase == sprint_pb2.PHASE_SPRINT:
            self._add_fabricated(epoch, st)
        on_chain = self.view.proofs(epoch.number, self.operator)
        st.in_flight = [f for f in st.in_flight if self._still_in_flight(f, on_chain, height)]
        flying = {n for f in st.in_flight for n in f.nonces}
        found = st.found_nonces()
        pending = sorted(n for n in found if n not in on_chain and n not in flying)
        size = max(1, self.params.max_batch_nonces)
        for start in range(0, len(pending), size):
            chunk = pending[start:start + size]
            msg = tx_pb2.MsgSubmitProofBatch(worker=self.worker, epoch=epoch.number, nonces=chunk,
                                             distances=[found[n] for n in chunk])
            sent = self._send(msg, height, f"epoch {epoch.number}: batch of {len(chunk)} nonces")
            if sent is None:
                break
            sent.nonces = chunk
            st.in_flight.append(sent)
            st.submitted_txs.append(sent.tx_hash)
        self.state.save()

    def _still_in_flight(self, flight: InFlight, on_chain: dict, height: int) -> bool:
        if all(n in on_chain for n in flight.nonces):
            return False
        if self.view.client.get_tx(flight.tx_hash) is not None:
            return False  # included but failed: its nonces are pending again
        return height - flight.height < IN_FLIGHT_BLOCKS

    def _add_fabricated(self, epoch, st: EpochState) -> None:
        honest = len(st.found) - st.fabricated
        if self.cheat.mode == "fabricate":
            want = st.fabricated + FABRICATED_PER_BLOCK
        else:
            want = -(-honest * self.cheat.percent // 100)
        if want <= st.fabricated:
            return
        claims = fabricated_nonces(bytes(epoch.seed), want - st.fabricated, st.fabricated,
                                   self.params.distance_threshold_micro, self.params.max_nonce,
                                   set(st.found_nonces()))
        st.found.update({str(n): d for n, d in claims.items()})
        st.fabricated = want
        self.state.save()

    # ------------------------------------------------------------------ search

    def function(self, seed: bytes):
        """The PoW function of this sprint seed (built once per epoch)."""
        if self._function[0] != seed:
            from worker.sprint.config import get_config
            from worker.sprint.pow import SprintFunction

            import torch

            # A GPU searches in bf16 (its near-threshold hits re-checked in fp32 by the function).
            dtype = torch.bfloat16 if self.device.startswith("cuda") else torch.float32
            started = time.monotonic()
            self._function = (seed, SprintFunction(seed, get_config(self.params.pow_config), device=self.device,
                                                   dtype=dtype))
            self.echo(f"built the {self.params.pow_config} sprint model in {time.monotonic() - started:.1f}s")
        return self._function[1]

    def search_until(self, epoch, done) -> None:
        """Search nonce chunks (each saved to the state file) until `done()` turns true."""
        if (self.cheat is not None and self.cheat.mode == "fabricate") or not self.participating(epoch):
            return
        st = self.state.epoch(epoch.number)
        function = self.function(bytes(epoch.seed))
        started, searched, valid = time.monotonic(), 0, 0
        while not done() and st.cursor < self.params.max_nonce:
            count = min(self._chunk, self.params.max_nonce - st.cursor)
            t0 = time.monotonic()
            hits = function.search(self.host_pubkey, st.cursor, count,
                                   threshold_micro=self.params.distance_threshold_micro)
            self._chunk = _next_chunk(self._chunk, time.monotonic() - t0)
            st.cursor += count
            st.found.update({str(n): d for n, d in hits})
            self.state.save()
            searched, valid = searched + count, valid + len(hits)
            self.metrics.searched_chunk(count, len(hits))
            self.metrics.search_speed(searched, time.monotonic() - started)  # so far, this search
        self.searched += searched
        elapsed = max(time.monotonic() - started, 1e-9)
        self.echo(f"epoch {epoch.number} sprint: {searched} nonces in {elapsed:.2f}s "
                  f"({searched / elapsed:.0f}/s), {valid} valid, {len(st.found)} found this epoch")

    # ------------------------------------------------------------------ validation

    def _validate(self, epoch, st: EpochState, height: int) -> None:
        for prover in self.view.assignments(epoch.number, self.operator):
            if prover in st.votes or self._voted_on_chain(epoch.number, prover):
                continue
            approve, checked, mismatches = self.check_prover(epoch, prover)
            msg = tx_pb2.MsgSubmitProofValidation(worker=self.worker, epoch=epoch.number, prover=prover,
                                                  approve=approve, checked=checked, mismatches=mismatches)
            verdict = "approve" if approve else "REJECT"
            sent = self._send(msg, height, f"epoch {epoch.number}: {verdict} {prover} "
                                           f"({mismatches}/{checked} mismatches)")
            if sent is not None:
                st.votes[prover] = sent.tx_hash
                self.state.save()

    def _voted_on_chain(self, epoch: int, prover: str) -> bool:
        return any(v.validator == self.operator for v in self.view.validations(epoch, prover))

    def check_prover(self, epoch, prover: str) -> tuple[bool, int, int]:
        """Re-run a seeded sample of `prover`'s nonces: (approve, checked, mismatches)."""
        from worker.sprint.acceptance import count_mismatches, sample_nonces

        claims = self.view.proofs(epoch.number, prover)
        host = self.view.host(prover)
        sample = sample_nonces(bytes(epoch.validation_seed), decode_address(prover), sorted(claims),
                               self.params.validation_sample)
        function = self.function(bytes(epoch.seed))
        exact = function.confirmer or function  # validators recompute in fp32, never bf16
        recomputed = exact.distances(host.consensus_pubkey, sample)
        mismatches = count_mismatches([claims[n] for n in sample], recomputed,
                                      self.params.distance_threshold_micro, self.params.distance_tolerance_micro)
        return mismatches <= self.params.max_sample_mismatches, len(sample), mismatches

    # ------------------------------------------------------------------ helpers

    def _send(self, msg, height: int, what: str) -> InFlight | None:
        tx_hash, code, text = self.sender.send([msg])
        if code != 0:
            self.sender.reset()
            self.echo(f"{what}: refused ({text})")
            return None
        self.echo(f"{what}: sent {tx_hash[:12]}")
        return InFlight(tx_hash, height)


def _recent(flight: InFlight | None, height: int) -> bool:
    return flight is not None and height - flight.height < IN_FLIGHT_BLOCKS


def _next_chunk(chunk: int, elapsed: float) -> int:
    """Grow or shrink the search chunk so one takes about SEARCH_CHUNK_SECONDS."""
    if elapsed < SEARCH_CHUNK_SECONDS / 2:
        return min(chunk * 2, 1 << 16)
    if elapsed > SEARCH_CHUNK_SECONDS * 2:
        return max(chunk // 2, 8)
    return chunk
