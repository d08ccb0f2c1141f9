"""training: verified fine-tuning jobs. A submitter escrows a budget, the capacity-degrading greedy
assigns a host, the host trains and commits Merkle roots of its checkpoint states in segments, a
committee re-executes a sampled subset of intervals, faults re-assign the job from its last verified
segment, and completion registers the output model and pays. Spec: docs/training.md.

Layout (Cosmos x/ style): `keys` (store layout 0x80-0x8f), `params`, `keeper` (the only code touching
the training prefixes), `msg_server` (submit, segment commits, maintenance, and the reveal/vote
routes), `abci` (end block: deadlines and faults, verification, completion, scheduling), `faults`,
`settlement`, `scheduling`, `query_server`, `genesis`; pure math: `merkle`, `draws`, `cost`,
`stake_condition`, `fixed_point`, `scheduler`; verification: `verification`, `reveals`, `votes`, `fraud`.
"""
