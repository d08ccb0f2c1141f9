"""TorchRuntime: models loaded once from a verified blob (or regenerated from init_seed when no node
has it), batched execution equal to one-by-one execution, checks of inline and blob results."""

from __future__ import annotations

import hashlib

import pytest
from sprint.inference.v1 import inference_pb2 as ipb

from worker.agent.inference_runtime import TorchRuntime, resolve_dtype

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tiny():
    from genesis.tiny_lm import genesis_model, generate_tiny_lm

    fields = genesis_model()
    info = ipb.Model(name=fields["name"], weights_sha256=fields["weights_sha256"],
                     weights_size=fields["weights_size"], price_per_token=fields["price_per_token"],
                     init_seed=fields["init_seed"], config=ipb.ModelConfig(**fields["config"]))
    return info, generate_tiny_lm(fields["init_seed"])


class Blobs(dict):
    def __init__(self, *args):
        super().__init__(*args)
        self.fetched: list[str] = []

    def fetch(self, sha):
        self.fetched.append(sha)
        if sha not in self:
            raise LookupError(f"blob {sha} not found")
        return self[sha]


def job(job_id, prompt=b"hello chain", max_tokens=6, temperature_milli=700, top_k=0):
    return ipb.Job(id=job_id, model="tiny-lm", prompt=prompt, prompt_size=len(prompt), max_tokens=max_tokens,
                   sampling=ipb.SamplingParams(temperature_milli=temperature_milli, top_k=top_k),
                   sampling_seed=hashlib.sha256(b"seed%d" % job_id).digest(), status=ipb.JOB_STATUS_PENDING)


def test_resolve_dtype():
    assert resolve_dtype("auto", "cpu") == "fp32" and resolve_dtype("auto", "cuda:0") == "bf16"
    assert resolve_dtype("bf16", "cpu") == "bf16"
    with pytest.raises(ValueError, match="fp32 or bf16"):
        resolve_dtype("fp16", "cpu")


def test_model_is_fetched_verified_and_loaded_once(tiny):
    info, data = tiny
    blobs = Blobs({info.weights_sha256: data})
    runtime = TorchRuntime(blobs.fetch, echo=lambda text: None)
    assert runtime.model(info, "fp32") is runtime.model(info, "fp32")
    assert blobs.fetched == [info.weights_sha256]


def test_missing_blob_of_a_generated_model_is_regenerated(tiny):
    info, data = tiny
    lines = []
    runtime = TorchRuntime(Blobs().fetch, echo=lines.append)
    assert runtime.weights(info) == data
    assert any("regenerating from init_seed 5" in line for line in lines)


def test_weights_that_do_not_hash_to_the_registry_are_refused(tiny):
    info, data = tiny
    wrong = ipb.Model(name="other", weights_sha256=hashlib.sha256(b"x").hexdigest(), config=info.config)
    runtime = TorchRuntime(Blobs({wrong.weights_sha256: data}).fetch, echo=lambda text: None)
    with pytest.raises(ValueError, match="does not|!="):
        runtime.weights(wrong)
    unknown = ipb.Model(name="gone", weights_sha256="ab" * 32, config=info.config)
    with pytest.raises(LookupError):
        runtime.weights(unknown)  # no init_seed: nothing to regenerate from


def test_batched_execution_equals_one_by_one_and_checks_valid(tiny):
    info, data = tiny
    blobs = Blobs({info.weights_sha256: data})
    runtime = TorchRuntime(blobs.fetch, echo=lambda text: None)
    jobs = [job(1), job(2, prompt=b"a", max_tokens=9, temperature_milli=0), job(3, top_k=5, max_tokens=3)]
    batch = runtime.execute_many(jobs, info, 4)
    for j, together in zip(jobs, batch):  # padding changes fp32 rounding a little, never the tokens
        alone = runtime.execute(j, info, 4)
        assert alone.output_tokens == together.output_tokens
        assert max(abs(a.logprob_micro - b.logprob_micro) for a, b in zip(alone.logprobs, together.logprobs)) <= 100
    assert [len(r.output_tokens) for r in batch] == [6, 9, 3]
    assert all(len(r.logprobs) == len(r.output_tokens) and len(r.logprobs[0].top_tokens) == 4 for r in batch)
    for j, result in zip(jobs, batch):
        j.result.CopyFrom(result)
        j.status = ipb.JOB_STATUS_COMPLETED
        outcome = runtime.check(j, info, 4)
        assert outcome.valid and outcome.mismatched_tokens == 0, outcome


def test_tampered_results_and_blob_inputs(tiny):
    info, data = tiny
    blobs = Blobs({info.weights_sha256: data})
    runtime = TorchRuntime(blobs.fetch, echo=lambda text: None)
    prompt = b"a prompt kept as a blob"
    j = job(4, prompt=b"")
    j.prompt_blob_sha256 = hashlib.sha256(prompt).hexdigest()
    blobs[j.prompt_blob_sha256] = prompt
    result = runtime.execute(j, info, 4)
    assert result == runtime.execute(job(4, prompt=prompt), info, 4)
    encoded = result.SerializeToString()
    j.result_blob_sha256 = hashlib.sha256(encoded).hexdigest()
    blobs[j.result_blob_sha256] = encoded
    assert runtime.check(j, info, 4).valid
    forged = ipb.InferenceResult.FromString(encoded)
    forged.output_tokens[2] = (forged.output_tokens[2] + 1) % 256
    forged.logprobs[2].token = forged.output_tokens[2]
    j.ClearField("result_blob_sha256")
    j.result.CopyFrom(forged)
    outcome = runtime.check(j, info, 4)
    assert not outcome.valid and (outcome.mismatched_tokens >= 1 or outcome.max_logprob_diff_micro > 0)


def test_a_verified_blob_whose_tensors_do_not_match_the_config_is_refused(tiny):
    from dataclasses import replace

    from genesis.model_layout import ModelConfig
    from genesis.tiny_lm import generate_tiny_lm
    from worker.inference.weights import WeightsError

    info, _ = tiny
    other = generate_tiny_lm(5, replace(ModelConfig.of(info.config), d_ff=128))  # right hash, wrong layout
    wrong = ipb.Model(name="mismatch", weights_sha256=hashlib.sha256(other).hexdigest(), config=info.config)
    runtime = TorchRuntime(Blobs({wrong.weights_sha256: other}).fetch, echo=lambda text: None)
    with pytest.raises(WeightsError, match="shape"):
        runtime.model(wrong, "fp32")

