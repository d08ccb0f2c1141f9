"""Byte-level tokenizer: a token is one byte of the UTF-8 text (vocab 256, no special tokens)."""

from __future__ import annotations

VOCAB_SIZE = 256


def encode(text: str | bytes) -> list[int]:
    """Tokens of ``text`` (str is UTF-8 encoded first; bytes are taken as they are)."""
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    return list(data)


def decode(tokens: list[int]) -> str:
    """Text of ``tokens``; byte sequences that are not valid UTF-8 become U+FFFD."""
    for t in tokens:
        if not 0 <= t < VOCAB_SIZE:
            raise ValueError(f"token {t} is outside the byte vocabulary 0..255")
    return bytes(tokens).decode("utf-8", errors="replace")
