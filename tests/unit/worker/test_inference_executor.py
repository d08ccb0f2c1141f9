"""The executor: reproducible seeded generation, batching, windows past max_seq_len, the commitment."""

import pytest
import torch

from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config
from sprint.inference.v1.inference_pb2 import InferenceResult, SamplingParams
from worker.inference import sampler
from worker.inference.executor import Request, execute, execute_batch, teacher_forced_logits
from worker.inference.model import load_model_bytes
from worker.inference.tokenizer import decode, encode

torch.set_num_threads(1)
SP = SamplingParams(temperature_milli=1000, top_k=0)


@pytest.fixture(scope="module")
def model():
    return load_model_bytes(tiny_lm_config(), generate_tiny_lm())


def test_tokenizer_is_utf8_bytes():
    assert encode("hé") == [104, 195, 169] and decode([104, 195, 169]) == "hé"
    assert decode([255]) == "\ufffd"
    with pytest.raises(ValueError):
        decode([256])


def test_execute_is_reproducible_and_seed_dependent(model):
    a = execute(model, encode("Hello"), 16, SP, b"s" * 32, 4)
    b = execute(model, encode("Hello"), 16, SP, b"s" * 32, 4)
    c = execute(model, encode("Hello"), 16, SP, b"t" * 32, 4)
    assert a.SerializeToString() == b.SerializeToString()
    assert list(a.output_tokens) != list(c.output_tokens)
    assert InferenceResult.FromString(a.SerializeToString()) == a


def test_commitment_shape_and_values(model):
    r = execute(model, encode("abc"), 8, SP, b"s" * 32, 4)
    assert len(r.output_tokens) == len(r.logprobs) == 8 and r.output_text == decode(list(r.output_tokens))
    rows = teacher_forced_logits(model, encode("abc"), list(r.output_tokens))
    for t, e in enumerate(r.logprobs):
        lp = torch.log_softmax(rows[t], 0)
        assert e.token == r.output_tokens[t] and len(e.top_tokens) == len(e.top_logprobs_micro) == 4
        assert list(e.top_logprobs_micro) == sorted(e.top_logprobs_micro, reverse=True)
        assert e.top_tokens[0] == int(lp.argmax()) and e.logprob_micro <= 0
        assert abs(e.logprob_micro - lp[e.token].item() * 1e6) < 100


def test_greedy_output_is_the_argmax_chain(model):
    r = execute(model, encode("xyz"), 6, SamplingParams(temperature_milli=0), b"s" * 32, 2)
    rows = teacher_forced_logits(model, encode("xyz"), list(r.output_tokens))
    assert list(r.output_tokens) == [sampler.greedy(row) for row in rows]


def test_batch_equals_single_jobs(model):
    reqs = [Request(encode("a"), 5, SP, b"1" * 32, 3), Request(encode("longer prompt"), 9, SamplingParams(temperature_milli=700, top_k=8), b"2" * 32, 3)]
    for req, got in zip(reqs, execute_batch(model, reqs)):
        one = execute(model, req.prompt_tokens, req.max_tokens, req.sampling, req.sampling_seed, req.top_logprobs)
        assert list(got.output_tokens) == list(one.output_tokens)
        assert max(abs(x.logprob_micro - y.logprob_micro) for x, y in zip(got.logprobs, one.logprobs)) < 100


def test_windows_past_max_seq_len_match_teacher_forcing(model):
    prompt = encode("z" * 120)
    r = execute(model, prompt, 20, SP, b"w" * 32, 2)  # steps 8.. use sliding windows
    rows = teacher_forced_logits(model, prompt, list(r.output_tokens))
    assert rows.shape == (20, 256)
    lp = torch.log_softmax(rows, -1)
    assert max(abs(e.logprob_micro - lp[t, e.token].item() * 1e6) for t, e in enumerate(r.logprobs)) < 100


def test_empty_prompt_is_refused(model):
    with pytest.raises(ValueError, match="prompt"):
        execute(model, [], 4, SP, b"s" * 32, 2)
