"""sprint: epochs and phases, seed commit-reveal, proof batches, proof validations, settled weights
and the CometBFT validator powers that follow from them (docs/protocol.md §2, docs/sprint-pow.md, docs/wire-formats.md §7).

Layout (Cosmos x/ style): `keys` (store layout), `params` (defaults and validation), `epochs`
(height -> epoch/phase, a pure function), `randomness` (commitment, seed, validation seed and the
weighted validator draw), `keeper` (the only code touching prefixes 0x30-0x3f), `msg_server` (the
four messages), `end_block` (seed, assignment and settlement at phase boundaries), `settlement`
(tally and power), `query_server`, `genesis`. The formulas are in docs/wire-formats.md §7.
"""
