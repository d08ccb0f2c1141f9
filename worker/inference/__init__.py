"""Inference on the worker: byte tokenizer, safetensors reader, the causal LM, the seeded sampler,
the executor, the teacher-forced checker, calibrated tolerances and the cheat modes (docs/inference.md)."""
