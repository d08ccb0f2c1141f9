"""inference params: defaults and validation (see proto sprint.inference.v1.Params)."""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import Params

from chain.errors import ErrInvalidRequest

BPS = 10_000
U32_MAX = (1 << 32) - 1


def default_params() -> Params:
    return Params(
        max_prompt_bytes=65_536,
        max_inline_prompt_bytes=4_096,
        max_inline_result_bytes=32_768,
        max_tokens_limit=256,
        expiry_blocks=20,
        top_logprobs=4,
        reverify_blocks=8,
        report_fee=1_000_000,
        training_fund_bps=2_000,
        bounty_bps=5_000,
        fee_denom="usprint",
    )


def validate_params(params: Params) -> None:
    """Raise ErrInvalidRequest (one sentence naming the field) when a param is out of range."""
    for name in ("max_prompt_bytes", "max_inline_prompt_bytes", "max_inline_result_bytes", "max_tokens_limit",
                 "expiry_blocks", "reverify_blocks"):
        if getattr(params, name) < 1:
            raise ErrInvalidRequest(f"inference params: {name} must be >= 1")
    if params.max_inline_prompt_bytes > params.max_prompt_bytes:
        raise ErrInvalidRequest("inference params: max_inline_prompt_bytes must be <= max_prompt_bytes")
    if params.top_logprobs > 256:
        raise ErrInvalidRequest(f"inference params: top_logprobs must be <= 256, got {params.top_logprobs}")
    for name in ("training_fund_bps", "bounty_bps"):
        if getattr(params, name) > BPS:
            raise ErrInvalidRequest(f"inference params: {name} must be <= {BPS}")
    if not params.fee_denom:
        raise ErrInvalidRequest("inference params: fee_denom must not be empty")
