"""TorchRuntime: the torch side of the InferenceAgent (models, execution, checks).

Models are loaded once per (weights sha256, dtype) on the agent's device: the weights blob is
fetched by hash from the node's blob service (or, for a generated model such as the genesis
tiny-lm, regenerated from its init_seed when no node has the blob), its sha256 checked against the
registry, and parsed by the safe safetensors reader (nothing is unpickled). Executors run in the
chosen dtype (fp32, or bf16 on a GPU); checks always recompute in fp32 with the tolerance calibrated
for the widest precision pair, since a checker does not know the executor's precision.
"""

from __future__ import annotations

import hashlib
import time
from typing import Callable

from sprint.inference.v1 import inference_pb2 as ipb

from worker.agent.cheat import Cheat
from worker.agent.inference_agent import Outcome

DTYPES = ("fp32", "bf16")


def resolve_dtype(name: str, device: str) -> str:
    """'auto' -> bf16 on CUDA, fp32 elsewhere; 'fp32'/'bf16' as given."""
    if name == "auto":
        return "bf16" if device.startswith("cuda") else "fp32"
    if name not in DTYPES:
        raise ValueError(f"unknown inference dtype {name!r}: use fp32 or bf16")
    return name


def _torch_dtype(name: str):
    import torch

    return torch.bfloat16 if name == "bf16" else torch.float32


class TorchRuntime:
    def __init__(self, fetch_blob: Callable[[str], bytes], device: str = "cpu", dtype: str = "fp32",
                 cheat: Cheat | None = None, echo=print):
        self.fetch_blob, self.device, self.dtype = fetch_blob, device, resolve_dtype(dtype, device)
        self.cheat, self.echo = cheat, echo
        self._infos: dict[str, ipb.Model] = {}
        self._models: dict[tuple[str, str], object] = {}

    # ------------------------------------------------------------------ models

    def model_info(self, view, name: str) -> ipb.Model:
        """The registry entry of `name` (cached: a registered model never changes)."""
        if name not in self._infos:
            info = view.model(name)
            if info is None:
                raise ValueError(f"model {name!r} is not registered")
            self._infos[name] = info
        return self._infos[name]

    def weights(self, info: ipb.Model) -> bytes:
        """The verified weights blob of `info`."""
        try:
            data = self.fetch_blob(info.weights_sha256)
        except Exception as err:
            if not info.init_seed:
                raise
            from genesis.tiny_lm import generate_tiny_lm
            from worker.inference.model import config_dict

            self.echo(f"model {info.name}: blob unavailable ({err}); regenerating from init_seed {info.init_seed}")
            data = generate_tiny_lm(info.init_seed, config_dict(info.config))
        digest = hashlib.sha256(data).hexdigest()
        if digest != info.weights_sha256:
            raise ValueError(f"model {info.name}: weights hash {digest} != registered {info.weights_sha256}")
        return data

    def model(self, info: ipb.Model, dtype: str):
        key = (info.weights_sha256, dtype)
        if key not in self._models:
            from worker.inference.model import load_model_bytes

            started = time.monotonic()
            self._models[key] = load_model_bytes(info.config, self.weights(info), self.device, _torch_dtype(dtype))
            self.echo(f"loaded model {info.name} ({info.weights_size} bytes) on {self.device} in {dtype} "
                      f"in {time.monotonic() - started:.2f}s")
        return self._models[key]

    # ------------------------------------------------------------------ job inputs

    def prompt_tokens(self, job) -> list[int]:
        prompt = bytes(job.prompt) if not job.prompt_blob_sha256 else self.fetch_blob(job.prompt_blob_sha256)
        return list(prompt)

    def result_of(self, job) -> ipb.InferenceResult:
        if job.result_blob_sha256:
            return ipb.InferenceResult.FromString(self.fetch_blob(job.result_blob_sha256))
        return job.result

    # ------------------------------------------------------------------ work

    def execute(self, job, info: ipb.Model, top_logprobs: int) -> ipb.InferenceResult:
        return self.execute_many([job], info, top_logprobs)[0]

    def execute_many(self, jobs: list, info: ipb.Model, top_logprobs: int) -> list[ipb.InferenceResult]:
        """Results of several jobs of one model: one batched generation (each result is what the job
        alone would give), or job by job under an inference cheat."""
        from worker.inference import executor

        model = self.model(info, self.dtype)
        requests = [executor.Request(self.prompt_tokens(j), j.max_tokens, j.sampling, bytes(j.sampling_seed),
                                     top_logprobs) for j in jobs]
        if self.cheat is not None and self.cheat.mode in ("smaller-model", "prefill"):
            from worker.inference import cheats

            return [to_proto(r) for r in cheats.execute_cheat_batch(self.cheat.mode, model, requests)]
        return [to_proto(r) for r in executor.execute_batch(model, requests)]

    def check(self, job, info: ipb.Model, top_logprobs: int | None = None) -> Outcome:
        """Teacher-forced recomputation in fp32 with the widest calibrated tolerance (the checker does
        not know the executor's precision)."""
        from worker.inference import checker, tolerance

        model = self.model(info, "fp32")
        outcome = checker.check(model, self.prompt_tokens(job), self.result_of(job), job.sampling,
                                bytes(job.sampling_seed), tolerance.for_checker("fp32"), top_logprobs)
        return Outcome(bool(outcome.verdict_valid), int(outcome.max_logprob_diff_micro),
                       int(outcome.mismatched_tokens), getattr(outcome, "reason", ""))


def to_proto(result) -> ipb.InferenceResult:
    """The executor library's result as the wire InferenceResult (it may already be one)."""
    if isinstance(result, ipb.InferenceResult):
        return result
    out = ipb.InferenceResult(output_tokens=list(result.output_tokens), output_text=result.output_text)
    for entry in result.logprobs:
        out.logprobs.add(token=entry.token, logprob_micro=entry.logprob_micro, top_tokens=list(entry.top_tokens),
                         top_logprobs_micro=list(entry.top_logprobs_micro))
    return out
