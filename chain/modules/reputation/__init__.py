"""reputation: per-host honesty record, the validation probability and the
scheduling score, in fixed point (ppm). Rules: docs/protocol.md §4-5."""
