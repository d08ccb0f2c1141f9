"""Node-local CheckTx admission: refuse a training job whose dataset blob this node does not hold.

Consensus cannot see blob stores, so `MsgSubmitTrainingJob` only names its dataset by hash and
size (docs/training.md §1). A node that admitted such a job into its mempool without the blob would
let a submitter pay for a job no host can fetch the data of; this check refuses it at the door with
one line naming the fix. It runs only for new txs in CheckTx (`App(admission=...)`): never in
ReCheck, Simulate, PrepareProposal, ProcessProposal or FinalizeBlock, so two nodes with different
blob stores still agree on every block.
"""

from __future__ import annotations

import logging
import re

from chain.errors import TxError

log = logging.getLogger("sprint.admission")

SUBMIT_TRAINING_URL = "/sprint.training.v1.MsgSubmitTrainingJob"
ADMISSION_CODESPACE = "admission"
CODE_DATASET_NOT_HELD = 2
CODE_DATASET_SIZE = 3
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


class ErrDatasetNotHeld(TxError):
    """The job's dataset blob is not in this node's blob store (ABCI code 2, codespace admission)."""

    code = CODE_DATASET_NOT_HELD
    codespace = ADMISSION_CODESPACE


class ErrDatasetSize(TxError):
    """The node holds the dataset blob but its size differs from the job's dataset_size (code 3)."""

    code = CODE_DATASET_SIZE
    codespace = ADMISSION_CODESPACE


def submitted_datasets(raw: bytes) -> list[tuple[str, int]]:
    """(dataset_sha256, dataset_size) of every MsgSubmitTrainingJob in the raw tx; [] for any other
    tx or one that does not decode (the tx runner refuses those with its own error)."""
    if SUBMIT_TRAINING_URL.encode() not in raw:  # fast path: almost every tx
        return []
    from cosmos.tx.v1beta1.tx_pb2 import TxBody, TxRaw
    from google.protobuf.message import DecodeError
    from sprint.training.v1.tx_pb2 import MsgSubmitTrainingJob

    try:
        body = TxBody.FromString(TxRaw.FromString(raw).body_bytes)
        msgs = [MsgSubmitTrainingJob.FromString(a.value) for a in body.messages if a.type_url == SUBMIT_TRAINING_URL]
    except DecodeError:
        return []
    return [(msg.dataset_sha256, msg.dataset_size) for msg in msgs]


class DatasetAdmission:
    """`App(admission=DatasetAdmission(blob_store))`: raises ErrDatasetNotHeld / ErrDatasetSize for a
    training job whose dataset blob `blob_store` does not hold (or holds with another size)."""

    def __init__(self, blob_store):
        self.blob_store = blob_store

    def __call__(self, raw: bytes) -> None:
        for sha256, size in submitted_datasets(raw):
            if not _SHA256_RE.fullmatch(sha256):
                continue  # the msg server refuses a malformed hash with the rule it breaks
            held = self.blob_store.size(sha256)
            if held is None:
                raise ErrDatasetNotHeld(f"dataset blob {sha256} is not on this node; upload the dataset with "
                                        "`sprintd blobs put FILE` and send the job again")
            if held != size:
                raise ErrDatasetSize(f"dataset blob {sha256} is {held} bytes on this node but the job says "
                                     f"dataset_size {size}; set dataset_size to {held}")
