"""A deterministic English-like text corpus for tests and benchmarks (no files, no randomness).

Sentences are built from small word lists by a sha256 counter stream, so the bytes depend only on
``(seed, size)``. The text has the byte statistics a byte-level LM can learn in a few hundred steps
(common words, spaces, punctuation, capitals after full stops).
"""

from __future__ import annotations

import hashlib

_SUBJECTS = ("the host", "a validator", "the model", "every worker", "the chain", "a small network",
             "the committee", "our team", "the user", "each node")
_VERBS = ("trains", "checks", "stores", "computes", "verifies", "sends", "reads", "writes", "learns",
          "builds")
_OBJECTS = ("the weights", "a new block", "the data set", "every batch", "the gradient", "a short text",
            "the loss curve", "its state", "the next token", "a signed message")
_TAILS = ("in the morning", "before the deadline", "with great care", "for a fair price", "again and again",
          "on a quiet day", "without a pause", "when it can", "as the rules say", "at the end of the epoch")
_LISTS = (_SUBJECTS, _VERBS, _OBJECTS, _TAILS)


def _words(seed: int):
    counter = 0
    while True:
        digest = hashlib.sha256(b"sprint/training/corpus/v1" + seed.to_bytes(8, "big") + counter.to_bytes(8, "big")).digest()
        yield from digest
        counter += 1


def sentence_stream(seed: int):
    """Endless sentences: subject verb object [tail], capitalised, ending in '.', '!' or '?'."""
    draws = _words(seed)
    while True:
        parts = [lst[next(draws) % len(lst)] for lst in _LISTS]
        if next(draws) % 3 == 0:
            parts.pop()
        end = ".!?"[0 if next(draws) % 8 else 1 + next(draws) % 2]
        text = " ".join(parts)
        yield text[0].upper() + text[1:] + end


def english_corpus(size: int = 32_768, seed: int = 0) -> bytes:
    """``size`` bytes of sentences separated by spaces and, every few sentences, newlines."""
    out, n = bytearray(), 0
    for s in sentence_stream(seed):
        out += s.encode("ascii") + (b"\n" if n % 5 == 4 else b" ")
        n += 1
        if len(out) >= size:
            return bytes(out[:size])
    raise AssertionError("unreachable")
