"""The executor: seeded generation and the per-token logprob commitment (docs/inference.md §3).

Context rule (shared with the checker): the logits for output step t come from the last position
of the last ``max_seq_len`` tokens of prompt + output[:t] (a sliding window; positions restart at 0
in every window). No KV cache: the tiny models re-run the window, and ``execute_batch`` runs many
jobs' windows in one forward (right-padded; causal attention never looks right).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from sprint.inference.v1 import inference_pb2
from worker.inference import sampler
from worker.inference.tokenizer import decode

MIN_LOGPROB_MICRO = -(2**31) + 1


@dataclass
class Request:
    """One job for the executor."""

    prompt_tokens: list[int]
    max_tokens: int
    sampling: object  # inference_pb2.SamplingParams or anything with temperature_milli, top_k
    sampling_seed: bytes
    top_logprobs: int


def last_logits(model, contexts: list[list[int]]) -> torch.Tensor:
    """float64 CPU logits (n, vocab) of the next token after each context (windowed, batched)."""
    s = model.max_seq_len
    windows = [c[-s:] for c in contexts]
    if any(len(w) == 0 for w in windows):
        raise ValueError("a context is empty: the prompt must have at least one token")
    width = max(len(w) for w in windows)
    batch = torch.zeros(len(windows), width, dtype=torch.long)
    for i, w in enumerate(windows):
        batch[i, : len(w)] = torch.tensor(w, dtype=torch.long)
    with torch.inference_mode():
        logits = model(batch.to(model.device))
    idx = torch.tensor([len(w) - 1 for w in windows], device=logits.device)
    return logits[torch.arange(len(windows), device=logits.device), idx].to("cpu", torch.float64)


def micro(x: float) -> int:
    """Natural log x 10^6 truncated toward zero, clamped to sint32."""
    return max(MIN_LOGPROB_MICRO, int(x * 1e6))


def top_tokens(logprobs: torch.Tensor, n: int) -> list[int]:
    """The ``n`` most likely ids (ties: lower id first)."""
    return torch.sort(logprobs, descending=True, stable=True).indices[:n].tolist()


def token_logprobs(logits_row: torch.Tensor, token: int, top_n: int) -> inference_pb2.TokenLogprobs:
    """The commitment for one output token: its untempered logprob and the top ``top_n`` alternatives."""
    lp = torch.log_softmax(logits_row.to(torch.float64), dim=0)
    top = top_tokens(lp, top_n)
    return inference_pb2.TokenLogprobs(
        token=token,
        logprob_micro=micro(float(lp[token])),
        top_tokens=top,
        top_logprobs_micro=[micro(float(lp[t])) for t in top],
    )


def build_result(rows: torch.Tensor, tokens: list[int], top_n: int) -> inference_pb2.InferenceResult:
    """InferenceResult for output ``tokens`` whose logits rows are ``rows`` (n, vocab)."""
    return inference_pb2.InferenceResult(
        output_tokens=tokens,
        output_text=decode(tokens),
        logprobs=[token_logprobs(rows[i], tok, top_n) for i, tok in enumerate(tokens)],
    )


def execute_batch(model, requests: list[Request]) -> list[inference_pb2.InferenceResult]:
    """Generate every request in lockstep; each result is what ``execute`` returns for it alone."""
    outputs: list[list[int]] = [[] for _ in requests]
    rows: list[list[torch.Tensor]] = [[] for _ in requests]
    for t in range(max((r.max_tokens for r in requests), default=0)):
        live = [i for i, r in enumerate(requests) if t < r.max_tokens]
        logits = last_logits(model, [list(requests[i].prompt_tokens) + outputs[i] for i in live])
        for row, i in zip(logits, live):
            r = requests[i]
            outputs[i].append(sampler.pick(row, t, r.sampling_seed, r.sampling))
            rows[i].append(row)
    return [
        build_result(torch.stack(rows[i]) if rows[i] else torch.empty(0), outputs[i], r.top_logprobs)
        for i, r in enumerate(requests)
    ]


def execute(model, prompt_tokens, max_tokens, sampling, sampling_seed, top_logprobs) -> inference_pb2.InferenceResult:
    """Run one job: ``max_tokens`` seeded samples after ``prompt_tokens`` and their logprobs."""
    return execute_batch(model, [Request(list(prompt_tokens), max_tokens, sampling, bytes(sampling_seed), top_logprobs)])[0]


def teacher_forced_logits(model, prompt_tokens: list[int], output_tokens: list[int], chunk: int = 64) -> torch.Tensor:
    """float64 CPU logits (len(output), vocab) for every output step, by teacher forcing.

    Steps whose context fits in max_seq_len come from ONE forward over the sequence; later steps
    use their own sliding window (batched in chunks), per the context rule above.
    """
    seq, s, n_prompt = list(prompt_tokens) + list(output_tokens), model.max_seq_len, len(prompt_tokens)
    if n_prompt == 0:
        raise ValueError("the prompt must have at least one token")
    positions = range(n_prompt - 1, len(seq) - 1)  # logits at position p predict seq[p + 1]
    short = [p for p in positions if p < s]
    parts = []
    if short:
        with torch.inference_mode():
            logits = model(torch.tensor([seq[: short[-1] + 1]], dtype=torch.long, device=model.device))[0]
        parts.append(logits[short[0] : short[-1] + 1].to("cpu", torch.float64))
    long = [p for p in positions if p >= s]
    for i in range(0, len(long), chunk):
        parts.append(last_logits(model, [seq[: p + 1] for p in long[i : i + chunk]]))
    return torch.cat(parts) if parts else torch.empty(0, model.config.vocab_size, dtype=torch.float64)
