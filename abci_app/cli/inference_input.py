"""Checking what a user gives `sprintd tx inference ...` before anything is signed: temperature,
prompt, model config and weights, and a MsgSubmitInference checked against the registered model
and the chain's queried inference params (prompt and token limits come from the chain)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from abci_app.cli.common import CliError
from abci_app.cli.inference_view import fetch_model, fetch_params
from abci_app.client import NodeClient

MAX_TEMPERATURE_MILLI = 100_000  # a CLI sanity bound: the chain accepts any temperature
CONFIG_FIELDS = ("vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "max_seq_len")


def parse_temperature(text: str) -> int:
    """"0.7" -> 700 (temperature x 1000); 0 means greedy."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise CliError(f"invalid --temperature {text!r}: use a decimal >= 0, e.g. 0.7 (0 = greedy)")
    milli = value * 1000
    if milli != milli.to_integral_value():
        raise CliError(f"--temperature {text!r} has more than 3 decimals; e.g. 0.7 or 0.125")
    if milli > MAX_TEMPERATURE_MILLI:
        raise CliError(f"--temperature {text!r} is too high; use at most {MAX_TEMPERATURE_MILLI // 1000}")
    return int(milli)


def read_prompt(prompt: str | None, prompt_file: str | None) -> bytes:
    """The prompt bytes from exactly one of --prompt or --prompt-file."""
    if (prompt is None) == (prompt_file is None):
        raise CliError("give the prompt with exactly one of --prompt TEXT or --prompt-file FILE")
    if prompt_file is not None:
        try:
            data = Path(prompt_file).read_bytes()
        except OSError as err:
            raise CliError(f"cannot read --prompt-file {prompt_file}: {err.strerror or err}") from None
    else:
        data = prompt.encode("utf-8")
    if not data:
        raise CliError("the prompt is empty; give some text")
    return data


def parse_model_config(config_json: str | None, flags: dict):
    """ModelConfig from --config-json (JSON text or a file) or the per-field flags."""
    from sprint.inference.v1.inference_pb2 import ModelConfig

    given = {k: v for k, v in flags.items() if v is not None and k != "vocab_size"}
    if config_json is not None:
        if given:
            raise CliError("use either --config-json or the --d-model/--n-layers/... flags, not both")
        text = config_json
        if not config_json.lstrip().startswith("{"):
            try:
                text = Path(config_json).read_text()
            except OSError as err:
                raise CliError(f"--config-json {config_json!r} is neither JSON nor a readable file "
                               f"({err.strerror or err})") from None
        try:
            values = json.loads(text)
        except ValueError as err:
            raise CliError(f"--config-json is not valid JSON: {err}") from None
        if not isinstance(values, dict) or set(values) - set(CONFIG_FIELDS):
            raise CliError(f"--config-json must be an object with the fields {', '.join(CONFIG_FIELDS)}")
    else:
        missing = [k for k in CONFIG_FIELDS if k != "vocab_size" and flags.get(k) is None]
        if missing:
            raise CliError("the model architecture is incomplete: pass --config-json or "
                           + ", ".join(f"--{k.replace('_', '-')}" for k in missing))
        values = {k: v for k, v in flags.items() if v is not None}
    if any(isinstance(values.get(k), bool) or not isinstance(values.get(k, 0), int) for k in CONFIG_FIELDS):
        raise CliError("every model config field must be a whole number")
    return ModelConfig(**values)


def check_safetensors(data: bytes, path: str) -> None:
    """A light check that `data` looks like safetensors (8-byte header length + JSON header)."""
    ok = len(data) >= 8
    if ok:
        size = int.from_bytes(data[:8], "little")
        ok = 2 <= size <= len(data) - 8
        if ok:
            try:
                ok = isinstance(json.loads(data[8:8 + size]), dict)
            except ValueError:
                ok = False
    if not ok:
        raise CliError(f"--weights-file {path} is not a safetensors file (8-byte header length + JSON header)")


def submit_message(client: NodeClient, put, signer: str, model_name: str, prompt: bytes,
                    max_tokens: int, temperature_milli: int, top_k: int, max_fee: int | None):
    """The MsgSubmitInference (checked against the model and params; long prompts put as a blob
    with `put(data) -> (sha256, created)`)."""
    from sprint.inference.v1.inference_pb2 import SamplingParams
    from sprint.inference.v1.tx_pb2 import MsgSubmitInference

    model, params = fetch_model(client, model_name), fetch_params(client)
    if len(prompt) > params.max_prompt_bytes:
        raise CliError(f"the prompt is {len(prompt)} bytes, over the chain's limit of {params.max_prompt_bytes}; "
                       "shorten it")
    if max_tokens > params.max_tokens_limit:
        raise CliError(f"--max-tokens {max_tokens} is over the chain's limit of {params.max_tokens_limit}")
    if len(prompt) + max_tokens > model.config.max_seq_len:
        raise CliError(f"prompt ({len(prompt)} tokens) + --max-tokens {max_tokens} exceeds {model.name}'s "
                       f"max_seq_len {model.config.max_seq_len}; shorten the prompt or lower --max-tokens")
    if top_k > model.config.vocab_size:
        raise CliError(f"--top-k {top_k} is over {model.name}'s vocab_size {model.config.vocab_size}")
    cost = model.price_per_token * (len(prompt) + max_tokens)
    if max_fee is None:
        max_fee = cost
    elif max_fee < cost:
        raise CliError(f"--max-fee {max_fee}usprint is below the job's maximum cost {cost}usprint "
                       f"({model.price_per_token} x ({len(prompt)} prompt + {max_tokens} max tokens)); "
                       f"pass --max-fee {cost}usprint")
    msg = MsgSubmitInference(requester=signer, model=model.name, max_tokens=max_tokens, max_fee=max_fee,
                             sampling=SamplingParams(temperature_milli=temperature_milli, top_k=top_k))
    if len(prompt) > params.max_inline_prompt_bytes:
        sha256, _ = put(prompt)
        msg.prompt_blob_sha256, msg.prompt_size = sha256, len(prompt)
    else:
        msg.prompt = prompt
    return msg

