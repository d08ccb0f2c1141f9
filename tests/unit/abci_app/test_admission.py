"""The node-local dataset admission check (abci_app/admission.py): CheckTx refuses a training job
whose dataset blob the node's blob store does not hold, with its own code and a one-line fix, and
leaves no trace (no mempool entry, no check-state change); consensus paths never consult it."""

from __future__ import annotations

import hashlib

import pytest
from sprint.training.v1.training_pb2 import Hyperparams
from sprint.training.v1.tx_pb2 import MsgSubmitTrainingJob

from abci_app.admission import (
    ADMISSION_CODESPACE,
    CODE_DATASET_NOT_HELD,
    CODE_DATASET_SIZE,
    DatasetAdmission,
    submitted_datasets,
)
from abci_app.blobs.store import BlobStore
from chain.app import App
from chain.store.memory import MemoryDB
from chain.tx.builder import pack_any
from tests.helpers.chain import (
    check,
    finalize,
    genesis_state,
    init_app,
    make_keys,
    make_send,
    run_block,
    sign_messages,
)

DATASET = b"the quick brown fox jumps over the lazy dog. " * 40
KEYS = make_keys(2)


def submit_tx(dataset: bytes = DATASET, size: int | None = None, sequence: int = 0) -> bytes:
    msg = MsgSubmitTrainingJob(
        submitter=KEYS[0].bech32, base_model="tiny-lm", dataset_sha256=hashlib.sha256(dataset).hexdigest(),
        dataset_size=len(dataset) if size is None else size, output_model="tiny-ft", budget=10**6,
        hyper=Hyperparams(lr_nano=300_000, beta1_nano=900_000_000, beta2_nano=999_000_000, eps_nano=10,
                          batch_size=2, seq_len=16, total_steps=8, checkpoint_interval=2))
    return sign_messages(KEYS[0], [pack_any(msg, "/sprint.training.v1.MsgSubmitTrainingJob")], sequence)


@pytest.fixture
def node(tmp_path):
    """(app, blob store): an App whose CheckTx consults the dataset admission over `store`."""
    store = BlobStore(tmp_path / "blobs")
    app = App(MemoryDB(), sync_writes=False, admission=DatasetAdmission(store))
    init_app(app, genesis_state(KEYS))
    run_block(app)  # genesis accounts exist for CheckTx from block 1 on
    return app, store


def test_missing_dataset_is_refused_with_its_code_and_the_fix(node):
    app, _ = node
    resp = check(app, submit_tx())
    assert (resp.code, resp.codespace) == (CODE_DATASET_NOT_HELD, ADMISSION_CODESPACE)
    assert hashlib.sha256(DATASET).hexdigest() in resp.log and "`sprintd blobs put FILE`" in resp.log
    assert "\n" not in resp.log and app.stats["check_tx_rejected"] == 1
    # no trace in the check state: the signer's sequence 0 is still the next one
    assert check(app, make_send(KEYS[0], KEYS[1].bech32, 1, sequence=0)).code == 0


def test_accepted_by_admission_once_the_blob_is_put(node):
    app, store = node
    store.put(DATASET)
    resp = check(app, submit_tx())
    assert resp.codespace != ADMISSION_CODESPACE, resp.log


def test_a_held_blob_of_another_size_is_refused(node):
    app, store = node
    store.put(DATASET)
    resp = check(app, submit_tx(size=len(DATASET) + 1))
    assert (resp.code, resp.codespace) == (CODE_DATASET_SIZE, ADMISSION_CODESPACE)
    assert f"set dataset_size to {len(DATASET)}" in resp.log


def test_recheck_and_blocks_never_consult_it(node):
    app, _ = node
    tx = submit_tx()
    assert check(app, tx, recheck=True).codespace != ADMISSION_CODESPACE
    block = finalize(app, [tx])
    assert block.results[0].codespace != ADMISSION_CODESPACE


def test_other_txs_skip_the_check_and_a_broken_check_admits(tmp_path):
    calls = []

    def broken(raw: bytes) -> None:
        calls.append(raw)
        raise OSError("disk gone")

    app = App(MemoryDB(), sync_writes=False, admission=broken)
    init_app(app, genesis_state(KEYS))
    run_block(app)
    assert check(app, make_send(KEYS[0], KEYS[1].bech32, 1, sequence=0)).code == 0 and len(calls) == 1
    assert submitted_datasets(make_send(KEYS[0], KEYS[1].bech32, 1, sequence=1)) == []
    assert submitted_datasets(b"\x00garbage /sprint.training.v1.MsgSubmitTrainingJob") == []
    assert submitted_datasets(submit_tx()) == [(hashlib.sha256(DATASET).hexdigest(), len(DATASET))]


def test_a_malformed_hash_is_left_to_the_msg_server(node):
    app, _ = node
    msg = MsgSubmitTrainingJob(submitter=KEYS[0].bech32, dataset_sha256="XYZ", dataset_size=5)
    resp = check(app, sign_messages(KEYS[0], [pack_any(msg, "/sprint.training.v1.MsgSubmitTrainingJob")], 0))
    assert resp.codespace != ADMISSION_CODESPACE
