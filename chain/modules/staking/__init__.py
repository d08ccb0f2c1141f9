"""staking: host collateral bonded into the "staking" module account, unbonding with a lock-up,
and slashing (burns part of the bond and of pending unbonding entries)."""
