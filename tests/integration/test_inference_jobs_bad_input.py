"""Bad inference input: every refused message gets its specific code and log, and changes nothing
but the gas fee (no inference state, no escrow movement)."""

from __future__ import annotations

import pytest
from sprint.inference.v1.inference_pb2 import JOB_STATUS_COMPLETED, JOB_STATUS_EXPIRED, TokenLogprobs

from chain.errors import TxError
from tests.helpers.chain import run_block
from tests.helpers.inference import ESCROW, InferenceNet, submitted_job_id, tiny_lm_model
from tests.helpers.sprint import FEE

PRICE = int(tiny_lm_model()["price_per_token"])
INVALID, UNAUTHORIZED, INSUFFICIENT_FUNDS, INSUFFICIENT_FEE = 18, 4, 5, 13


def inference_entries(net) -> dict:
    store = net.app.committed_store()
    return {key: value for key, value in store.iterate(b"") if 0x50 <= key[0] <= 0x5f}


def fails_stateless(net, msg) -> bool:
    """True when the message fails its stateless checks (rejected at decoding, before the gas fee)."""
    try:
        net.app.router.validate(msg.type_url, net.app.router.unpack(msg)[1])
    except TxError:
        return True
    return False


def assert_refused(net, signer, msg, code: int, words: str) -> None:
    """Run one tx; it must fail with `code` and `words` in its log and change no inference state nor
    the escrow; the signer pays the gas fee unless the stateless checks refused the tx."""
    fee = 0 if fails_stateless(net, msg) else FEE
    before_state, before_escrow = inference_entries(net), net.balance(ESCROW)
    before_balance = net.balance(signer.address)
    block = net.run((signer, msg))
    assert block.codes == [code], [r.log for r in block.results]
    assert words in block.results[0].log, block.results[0].log
    assert inference_entries(net) == before_state
    assert net.balance(ESCROW) == before_escrow
    assert net.balance(signer.address) == before_balance - fee


@pytest.fixture()
def net():
    """A fresh chain per test, so no other job's expiry or settlement runs in the checked block."""
    chain = InferenceNet(4, users=2, inference_params={"expiry_blocks": "30"})
    chain.advance_to(6)  # genesis committed; the epoch's audit snapshot and its seed already fixed
    return chain


@pytest.mark.parametrize("fields,code,words", [
    (dict(model="nope"), INVALID, "unknown model 'nope'"),
    (dict(max_tokens=0), INVALID, "max_tokens must be at least 1"),
    (dict(max_tokens=257, max_fee=10**7), INVALID, "max_tokens 257 is over the limit of 256"),
    (dict(max_tokens=124, max_fee=10**7), INVALID, "exceeds model 'tiny-lm' max_seq_len 128"),
    (dict(prompt=b""), INVALID, "prompt must not be empty"),
    (dict(prompt=b"x" * 4097, max_fee=10**9), INVALID, "over max_inline_prompt_bytes 4096"),
    (dict(prompt=b"", prompt_blob_sha256="ab" * 32, prompt_size=65_537, max_tokens=1, max_fee=10**9), INVALID,
     "prompt of 65537 bytes is over the limit of 65536 bytes"),
    (dict(prompt=b"hi", prompt_blob_sha256="ab" * 32, prompt_size=2), INVALID, "not both"),
    (dict(prompt=b"", prompt_blob_sha256="xyz", prompt_size=2), INVALID, "prompt_blob_sha256 must be 64"),
    (dict(prompt=b"hello", prompt_size=9), INVALID, "does not match the inline prompt"),
    (dict(max_fee=PRICE * 9 - 1), INSUFFICIENT_FEE, "below the job's maximum cost 900usprint"),
    (dict(max_fee=0), INSUFFICIENT_FEE, "max_fee must be positive"),
    (dict(max_fee=10**12), INSUFFICIENT_FUNDS, "insufficient funds"),
    (dict(top_k=257), INVALID, "top_k 257 is over the model's vocab_size 256"),
])
def test_bad_submissions_are_refused(net, fields, code, words):
    user = net.users[0]
    fields = dict(fields)
    assert_refused(net, user, net.submit_msg(user, **fields), code, words)


def test_fee_below_cost_names_the_minimum(net):
    user = net.users[0]
    block = net.run((user, net.submit_msg(user, prompt=b"abc", max_tokens=10, max_fee=PRICE * 13 - 1)))
    assert block.codes == [INSUFFICIENT_FEE]
    assert "max_fee 1299usprint is below the job's maximum cost 1300usprint (price 100 x (3 prompt + 10 max tokens))" \
        in block.results[0].log


def test_submit_signed_by_someone_else_is_refused(net):
    """The requester is the signer: user 1 cannot spend user 0's funds on a job."""
    before = inference_entries(net)
    block = net.run((net.users[1], net.submit_msg(net.users[0])))
    assert block.codes == [8] and "pubkey does not match signer address" in block.results[0].log
    assert inference_entries(net) == before


@pytest.fixture()
def pending(net):
    """(job, index of a host that is not its executor) for a fresh PENDING job."""
    _, job_id = net.submit(0, max_tokens=4)
    job = net.job(job_id)
    other = next(i for i in range(len(net.hosts)) if i != net.executor_index(job))
    return job, other


def test_result_from_a_host_that_is_not_the_executor(net, pending):
    job, other = pending
    host, msg = net.result_msg(job.id, host=other)
    assert_refused(net, net.hosts[other].worker, msg, UNAUTHORIZED,
                   f"job {job.id} is assigned to {job.executor}, not to host {net.hosts[other].bech32}")


def test_result_from_an_account_that_is_no_worker(net, pending):
    job, _ = pending
    from sprint.inference.v1.tx_pb2 import MsgInferenceResult

    from chain.modules.inference.msg_server import MSG_INFERENCE_RESULT_URL
    from chain.tx.builder import pack_any

    msg = MsgInferenceResult(worker=net.outsider.bech32, job_id=job.id, sampling_seed=job.sampling_seed,
                             result=net.make_result(job))
    assert_refused(net, net.outsider, pack_any(msg, MSG_INFERENCE_RESULT_URL), UNAUTHORIZED,
                   "is not the worker of any registered host")


@pytest.mark.parametrize("case,code,words", [
    ("seed", INVALID, "sampling_seed does not match"),
    ("short_seed", INVALID, "sampling_seed must be 32 bytes"),
    ("too_many", INVALID, "result has 5 output tokens, job {id} allows at most 4"),
    ("missing_logprob", INVALID, "3 logprob entries for 4 output tokens"),
    ("alternatives", INVALID, "exactly 4 are required"),
    ("wrong_token", INVALID, "logprob entry 0 is for token 66, output token is 65"),
    ("vocab", INVALID, "outside the model's vocab of 256"),
    ("count_mismatch", INVALID, "output_token_count 3 does not match the 4 inline output tokens"),
    ("both_forms", INVALID, "not both"),
    ("unknown_job", INVALID, "job 9999 does not exist"),
])
def test_bad_results_are_refused(net, pending, case, code, words):
    job, _ = pending
    executor = net.executor_index(job)
    result = net.make_result(job)
    kwargs = {}
    job_id = job.id
    if case == "seed":
        kwargs["seed"] = b"\x01" * 32
    elif case == "short_seed":
        kwargs["seed"] = b"\x01" * 31
    elif case == "too_many":
        result = net.make_result(job, tokens=[65] * 5)
    elif case == "missing_logprob":
        del result.logprobs[-1]
    elif case == "alternatives":
        result.logprobs[0].top_tokens.append(1)
        result.logprobs[0].top_logprobs_micro.append(-1)
    elif case == "wrong_token":
        result.logprobs[0].CopyFrom(TokenLogprobs(token=66, top_tokens=[1, 2, 3, 4], top_logprobs_micro=[0, 0, 0, 0]))
    elif case == "vocab":
        result.logprobs[1].top_tokens[0] = 300
    elif case == "count_mismatch":
        kwargs["output_token_count"] = 3
    elif case == "both_forms":
        kwargs.update(result_blob_sha256="ab" * 32, result_size=10)
    if case == "unknown_job":
        from sprint.inference.v1.tx_pb2 import MsgInferenceResult

        from chain.modules.inference.msg_server import MSG_INFERENCE_RESULT_URL
        from chain.tx.builder import pack_any

        msg = pack_any(MsgInferenceResult(worker=net.worker_of(executor), job_id=9999, sampling_seed=b"\x00" * 32,
                                          result=result), MSG_INFERENCE_RESULT_URL)
    else:
        _, msg = net.result_msg(job_id, result=result, **kwargs)
    assert_refused(net, net.hosts[executor].worker, msg, code, words.format(id=job_id))


def test_second_result_is_refused(net, pending):
    job, _ = pending
    assert net.deliver(job.id).codes == [0]
    executor = net.executor_index(job)
    _, msg = net.result_msg(job.id)
    assert_refused(net, net.hosts[executor].worker, msg, INVALID,
                   f"job {job.id} already has a result (status JOB_STATUS_COMPLETED)")
    assert net.job(job.id).status == JOB_STATUS_COMPLETED


def test_result_in_the_submission_block_has_no_executor_yet():
    net = InferenceNet(4)
    user = net.users[0]
    submit = net.submit_msg(user)
    from sprint.inference.v1.tx_pb2 import MsgInferenceResult

    from chain.modules.inference.msg_server import MSG_INFERENCE_RESULT_URL
    from chain.tx.builder import pack_any

    result = pack_any(MsgInferenceResult(worker=net.worker_of(0), job_id=1, sampling_seed=b"\x00" * 32),
                      MSG_INFERENCE_RESULT_URL)
    block = net.run((user, submit), (0, result))
    assert block.codes == [0, INVALID] and "job 1 has no executor yet" in block.results[1].log


def test_result_after_expiry_is_refused():
    net = InferenceNet(4, inference_params={"expiry_blocks": "3"})
    _, job_id = net.submit(0)
    job = net.job(job_id)
    net.advance_to(job.deadline_height + 1)
    assert net.job(job_id).status == JOB_STATUS_EXPIRED
    executor = net.executor_index(job)
    _, msg = net.result_msg(job_id)
    assert_refused(net, net.hosts[executor].worker, msg, INVALID,
                   f"job {job_id} expired at height {job.deadline_height}")


def test_inline_result_over_the_limit_must_use_a_blob():
    net = InferenceNet(4, inference_params={"max_inline_result_bytes": "300"})
    _, job_id = net.submit(0, max_tokens=20)
    job = net.job(job_id)
    executor = net.executor_index(job)
    _, msg = net.result_msg(job_id)
    assert_refused(net, net.hosts[executor].worker, msg, INVALID,
                   "over max_inline_result_bytes 300: put it on the blob service")
    block = net.deliver(job_id, result_blob_sha256="ef" * 32, result_size=600, output_token_count=20)
    assert block.codes == [0]


@pytest.mark.parametrize("overrides,words", [
    (dict(name="Bad Name"), "has character 'B'"),
    (dict(weights_sha256="12"), "weights_sha256 must be 64"),
    (dict(price_per_token=0), "price_per_token must be > 0"),
    (dict(weights_size=0), "weights_size must be > 0"),
    (dict(name="tiny-lm"), "model 'tiny-lm' is already registered"),
])
def test_bad_model_registrations_are_refused(net, overrides, words):
    owner = net.users[1]
    name = overrides.pop("name", "new-model")
    assert_refused(net, owner, net.register_model_msg(owner, name, **overrides), INVALID, words)


def test_model_config_must_be_sane(net):
    from sprint.inference.v1.inference_pb2 import ModelConfig

    owner = net.users[1]
    config = ModelConfig(vocab_size=256, d_model=66, n_layers=2, n_heads=4, d_ff=256, max_seq_len=128)
    assert_refused(net, owner, net.register_model_msg(owner, "odd", config=config), INVALID,
                   "d_model 66 is not divisible by n_heads 4")


def test_escrow_balance_equals_pending_fees_plus_completed_costs(net):
    """After refused and accepted input, the escrow holds exactly what live jobs account for."""
    for u in (0, 1, 0):
        net.submit(u, max_fee=PRICE * 9 + 10 * u)
    assert net.deliver(2).codes == [0]
    net.run((net.users[0], net.submit_msg(0, model="nope")))
    run_block(net.app)
    store = net.app.committed_store()
    owed = 0
    for job in net.app.keepers.inference.iterate_jobs(store):
        if job.status == 1:
            owed += job.max_fee
        elif job.status == JOB_STATUS_COMPLETED:
            owed += job.cost
    assert net.balance(ESCROW) == owed > 0
    assert submitted_job_id(net.submit(1)[0].results[0]) is not None
