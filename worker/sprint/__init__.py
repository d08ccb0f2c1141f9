"""The Sprint proof-of-work function (docs/sprint-pow.md): seed-built transformer, nonce search,
and the validators' statistical acceptance test."""
