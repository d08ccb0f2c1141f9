"""reputation: per-host honesty record, the validation probability of seed 001 Appendix D and the
scheduling score of seed 000 §5, in fixed point (ppm)."""
