"""Helpers for inference tests: an in-process chain of N bonded Sprint hosts (tests.helpers.sprint)
with the genesis model "tiny-lm", funded users and short epochs; messages, blocks and queries.

    net = InferenceNet(4, users=2, inference_params={"expiry_blocks": "5"})
    block, job_id = net.submit(0, prompt=b"hello", max_tokens=4)   # user 0; executor drawn at block end
    job = net.job(job_id)                                          # Job proto (executor, sampling_seed)
    block = net.deliver(job_id)                                    # a well-formed result by its executor
    assert net.job(job_id).status == JOB_STATUS_COMPLETED

Accounts: host i operator = make_key(i) (account i), worker = make_key(20 + i) (account n + i),
outsider make_key(40) (account 2n), user u = make_key(USER_KEY_OFFSET + u) (account 2n + 1 + u),
each funded with tests.helpers.chain.INITIAL_BALANCE usprint.
"""

from __future__ import annotations

import functools

import cosmpy.protos  # noqa: F401  (puts the generated tendermint packages on sys.path)
from tendermint.abci import types_pb2 as abci
from sprint.inference.v1 import query_pb2
from sprint.inference.v1.inference_pb2 import InferenceResult, SamplingParams, TokenLogprobs
from sprint.inference.v1.tx_pb2 import MsgInferenceResult, MsgRegisterModel, MsgSubmitInference

from chain.modules.bank.keys import module_address
from chain.modules.inference import msg_server
from chain.store.memory import MemoryDB
from chain.tx.builder import pack_any
from chain.tx.crypto import SigningKey
from tests.helpers.chain import DENOM, INITIAL_BALANCE, make_key, new_app, sequence, sign_messages
from tests.helpers.sprint import FEE, GAS_LIMIT, SprintNet, sprint_state

USER_KEY_OFFSET = 60
MODEL = "tiny-lm"
FAKE_WEIGHTS_SHA256 = "ab" * 32
ESCROW = module_address("inference")
# Short jobs for tests: expire 5 blocks after submission.
TEST_INFERENCE_PARAMS = {"expiry_blocks": "5"}


@functools.lru_cache(maxsize=1)
def tiny_lm_model() -> dict:
    """The genesis tiny-lm Model as proto JSON (genesis/tiny_lm.py; a fixed fake hash without it)."""
    try:
        from genesis.tiny_lm import genesis_model
    except ImportError:
        config = {"vocab_size": 256, "d_model": 64, "n_layers": 2, "n_heads": 4, "d_ff": 256, "max_seq_len": 128}
        return {"name": MODEL, "config": config, "weights_sha256": FAKE_WEIGHTS_SHA256, "weights_size": "1000",
                "price_per_token": "100", "init_seed": "5"}
    model = dict(genesis_model())
    for field in ("weights_size", "price_per_token", "init_seed"):
        model[field] = str(model[field])
    return model


def inference_state(n: int = 4, users: int = 2, weights=None, inference_params: dict | None = None,
                    sprint_params: dict | None = None, models: list[dict] | None = None):
    """(app_state, hosts, outsider, user keys): sprint_state(n) + funded users + the inference section."""
    app_state, hosts, outsider = sprint_state(n, weights, sprint_params)
    user_keys = [make_key(USER_KEY_OFFSET + u) for u in range(users)]
    accounts = app_state["auth"]["accounts"]
    for key in user_keys:
        accounts.append({"address": key.bech32, "account_number": str(len(accounts)), "sequence": "0"})
        app_state["bank"]["balances"].append({"address": key.bech32,
                                              "coins": [{"denom": DENOM, "amount": str(INITIAL_BALANCE)}]})
    app_state["inference"] = {"params": dict(TEST_INFERENCE_PARAMS, **(inference_params or {})),
                              "models": [tiny_lm_model()] if models is None else list(models)}
    return app_state, hosts, outsider, user_keys


class InferenceNet(SprintNet):
    """SprintNet plus users, the tiny-lm model and inference messages/queries."""

    def __init__(self, n: int = 4, users: int = 2, weights=None, inference_params: dict | None = None,
                 sprint_params: dict | None = None, models: list[dict] | None = None, db=None):
        from chain.modules.sprint.genesis import parse_params

        self.app_state, self.hosts, self.outsider, self.users = inference_state(
            n, users, weights, inference_params, sprint_params, models)
        self.outsider_account = 2 * n
        self.app = new_app(db if db is not None else MemoryDB(), self.app_state)
        self.params = parse_params(self.app_state["sprint"]["params"])

    # --- accounts ------------------------------------------------------------------------------

    def sign(self, signer, messages, offset: int = 0) -> bytes:
        """Like SprintNet.sign; a user is given by its SigningKey."""
        if isinstance(signer, SigningKey):
            for u, key in enumerate(self.users):
                if key.secret == signer.secret:
                    seq = (sequence(self.app, key.address) or 0) + offset
                    return sign_messages(key, list(messages), seq, account_number=2 * len(self.hosts) + 1 + u,
                                         gas_limit=GAS_LIMIT, fee=FEE)
        return super().sign(signer, messages, offset)

    def balance(self, address: bytes) -> int:
        return self.app.keepers.bank.balance(self.app.committed_store(), address, DENOM)

    def inference_params(self):
        return self.app.keepers.inference.get_params(self.app.committed_store())

    # --- messages ------------------------------------------------------------------------------

    def submit_msg(self, user, prompt: bytes = b"hello", max_tokens: int = 4, max_fee: int | None = None,
                   model: str = MODEL, temperature_milli: int = 0, top_k: int = 0, **fields):
        """MsgSubmitInference from user (index or key); max_fee defaults to the exact maximum cost."""
        key = self.users[user] if isinstance(user, int) else user
        if max_fee is None:
            size = fields.get("prompt_size") or len(prompt)
            max_fee = int(tiny_lm_model()["price_per_token"]) * (size + max_tokens)
        msg = MsgSubmitInference(requester=key.bech32, model=model, prompt=prompt, max_tokens=max_tokens,
                                 sampling=SamplingParams(temperature_milli=temperature_milli, top_k=top_k),
                                 max_fee=max_fee, **fields)
        return pack_any(msg, msg_server.MSG_SUBMIT_INFERENCE_URL)

    def register_model_msg(self, owner: SigningKey, name: str, **overrides):
        model = tiny_lm_model()
        fields = dict(owner=owner.bech32, name=name, weights_sha256=model["weights_sha256"],
                      weights_size=int(model["weights_size"]), price_per_token=int(model["price_per_token"]))
        fields.update(overrides)
        msg = MsgRegisterModel(**fields)
        if "config" not in overrides:
            for field, value in model["config"].items():
                setattr(msg.config, field, value)
        return pack_any(msg, msg_server.MSG_REGISTER_MODEL_URL)

    def submit(self, user, **kwargs):
        """One block with one submission; returns (BlockResult, job id or None when refused)."""
        key = self.users[user] if isinstance(user, int) else user
        block = self.run((key, self.submit_msg(key, **kwargs)))
        return block, submitted_job_id(block.results[0])

    def make_result(self, job, tokens=None, top: int | None = None) -> InferenceResult:
        """A well-formed inline result for `job`: `tokens` (default max_tokens x 65) with top
        alternatives per token (default params.top_logprobs)."""
        top = self.inference_params().top_logprobs if top is None else top
        tokens = [65] * job.max_tokens if tokens is None else list(tokens)
        logprobs = [TokenLogprobs(token=t, logprob_micro=-100_000, top_tokens=[(t + k) % 256 for k in range(top)],
                                  top_logprobs_micro=[-100_000 - k for k in range(top)]) for t in tokens]
        return InferenceResult(output_tokens=tokens, output_text=bytes(tokens).decode("latin-1"), logprobs=logprobs)

    def result_msg(self, job_id: int, host: int | None = None, result: InferenceResult | None = None,
                   seed: bytes | None = None, **fields):
        """MsgInferenceResult for job_id from host `host`'s worker (default: the drawn executor)."""
        job = self.job(job_id)
        host = self.executor_index(job) if host is None else host
        if result is None and "result_blob_sha256" not in fields:
            result = self.make_result(job)
        msg = MsgInferenceResult(worker=self.worker_of(host), job_id=job_id,
                                 sampling_seed=job.sampling_seed if seed is None else seed, **fields)
        if result is not None:
            msg.result.CopyFrom(result)
        return host, pack_any(msg, msg_server.MSG_INFERENCE_RESULT_URL)

    def deliver(self, job_id: int, host: int | None = None, **kwargs):
        """One block with the result of job_id signed by `host`'s worker (default: the executor)."""
        host, msg = self.result_msg(job_id, host, **kwargs)
        return self.run((host, msg))

    # --- queries -------------------------------------------------------------------------------

    def iquery_raw(self, method: str, request) -> abci.ResponseQuery:
        return self.app.query(abci.RequestQuery(path=f"/sprint.inference.v1.Query/{method}",
                                                data=request.SerializeToString()))

    def iquery(self, method: str, request, response_class):
        resp = self.iquery_raw(method, request)
        assert resp.code == 0, resp.log
        return response_class.FromString(resp.value)

    def job(self, job_id: int):
        return self.iquery("Job", query_pb2.QueryJobRequest(id=job_id), query_pb2.QueryJobResponse).job

    def jobs(self, **filters):
        return self.iquery("Jobs", query_pb2.QueryJobsRequest(**filters), query_pb2.QueryJobsResponse)

    def executor_index(self, job) -> int:
        assert job.executor, f"job {job.id} has no executor yet"
        return self.index_of(job.executor)


def submitted_job_id(result) -> int | None:
    """Job id from a tx result's inference_submitted event (None when the tx failed)."""
    for event in result.events:
        if event.type == "inference_submitted":
            return int({a.key: a.value for a in event.attributes}["job_id"])
    return None


def tx_events(block, event_type: str) -> list[dict]:
    """Attributes (as dicts) of one event type emitted by the block's txs."""
    return [{a.key: a.value for a in e.attributes} for r in block.results for e in r.events if e.type == event_type]
