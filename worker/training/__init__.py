"""Verified fine-tuning on the worker (docs/training.md): the reproducible data order, the AdamW
interval loop, exact state bytes and their hashes, the committee re-executor and its distance, the
test-only cheats, and the segment runner the agent commits from.

Modules: ``hyper`` (the job's hyperparameters as floats), ``data`` (§3 batches), ``state`` (§4 state
blobs), ``trainer`` (§3 steps), ``cheats``, ``verify`` (§7), ``tolerance`` (measured distances and
the default tolerance), ``job_runner`` (segments, leaves, roots, kept states), ``corpus`` (a
deterministic English-like text for tests and benchmarks).
"""
