"""Model registry rules and MsgRegisterModel.

- name: 1..64 characters of [a-z0-9._-], unique (a registered name is refused);
- config: every field > 0, d_model % n_heads == 0, vocab_size <= 65536, sizes bounded (MAX_DIM);
- weights_sha256: 64 lower-case hex characters; weights_size > 0; price_per_token > 0.
"""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import Model, ModelConfig
from sprint.inference.v1.tx_pb2 import MsgRegisterModel

from chain.context import Context
from chain.errors import ErrInvalidAddress, ErrInvalidRequest
from chain.tx.crypto import AddressError, decode_address

MSG_REGISTER_MODEL_URL = "/sprint.inference.v1.MsgRegisterModel"
NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._-"
MAX_NAME_LENGTH = 64
HEX_CHARS = "0123456789abcdef"
MAX_VOCAB = 65_536
MAX_DIM = 1 << 20
CONFIG_FIELDS = ("vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "max_seq_len")


def check_name(name: str) -> None:
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise ErrInvalidRequest(f"model name must be 1..{MAX_NAME_LENGTH} characters, got {len(name)}")
    bad = [c for c in name if c not in NAME_CHARS]
    if bad:
        raise ErrInvalidRequest(f"model name {name!r} has character {bad[0]!r}; allowed: a-z 0-9 . _ -")


def check_config(config: ModelConfig) -> None:
    for field in CONFIG_FIELDS:
        value = getattr(config, field)
        if not 1 <= value <= MAX_DIM:
            raise ErrInvalidRequest(f"model config {field} must be between 1 and {MAX_DIM}, got {value}")
    if config.vocab_size > MAX_VOCAB:
        raise ErrInvalidRequest(f"model config vocab_size must be <= {MAX_VOCAB}, got {config.vocab_size}")
    if config.d_model % config.n_heads != 0:
        raise ErrInvalidRequest(f"model config d_model {config.d_model} is not divisible by n_heads {config.n_heads}")


def check_sha256_hex(value: str, what: str) -> None:
    if len(value) != 64 or any(c not in HEX_CHARS for c in value):
        raise ErrInvalidRequest(f"{what} must be 64 lower-case hex characters (a sha256), got {value!r}")


def check_model(name: str, config: ModelConfig, weights_sha256: str, weights_size: int, price: int) -> None:
    """Raise ErrInvalidRequest naming the first rule a model breaks."""
    check_name(name)
    check_config(config)
    check_sha256_hex(weights_sha256, "weights_sha256")
    if weights_size < 1:
        raise ErrInvalidRequest("weights_size must be > 0")
    if price < 1:
        raise ErrInvalidRequest("price_per_token must be > 0")


def owner_signers(msg: MsgRegisterModel) -> list[bytes]:
    try:
        return [decode_address(msg.owner)]
    except AddressError as err:
        raise ErrInvalidAddress(f"invalid owner: {err}") from err


def validate_register(msg: MsgRegisterModel) -> None:
    owner_signers(msg)
    check_model(msg.name, msg.config, msg.weights_sha256, msg.weights_size, msg.price_per_token)


def handle_register(ctx: Context, keepers, msg: MsgRegisterModel) -> None:
    """Register a model under a new name (a name already taken is refused)."""
    validate_register(msg)
    inference = keepers.inference
    if inference.get_model(ctx.store, msg.name) is not None:
        raise ErrInvalidRequest(f"model {msg.name!r} is already registered")
    model = Model(name=msg.name, config=msg.config, weights_sha256=msg.weights_sha256,
                  weights_size=msg.weights_size, price_per_token=msg.price_per_token, owner=msg.owner)
    inference.set_model(ctx.store, model)
    ctx.emit("model_registered", ("name", msg.name), ("owner", msg.owner), ("weights_sha256", msg.weights_sha256),
             ("price_per_token", str(msg.price_per_token)))
