"""gov: proposals decided by a two-stage vote weighted by stake x reputation (docs/governance.md)."""
