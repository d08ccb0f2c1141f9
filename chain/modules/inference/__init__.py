"""inference: the model registry, inference jobs, the on-chain executor draw, results, expiry and
refunds (H-jobs part), plus randomized spot checks, validation secrets, re-verification and epoch
settlement of fees (verification part). Spec: docs/inference.md.

Layout (Cosmos x/ style): `keys` (store layout 0x50-0x5f), `params` (defaults and validation),
`models` (model names/configs and MsgRegisterModel), `executor` (the executor and sampling-seed
draw, pure functions), `keeper` (the only code touching the inference prefixes), `msg_server`
(MsgRegisterModel, MsgSubmitInference, MsgInferenceResult + the verification routes), `end_block`
(executor draws, expiry), `query_server`, `genesis`.
"""
