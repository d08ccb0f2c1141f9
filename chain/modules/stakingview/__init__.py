"""stakingview: a read-only cosmos.staking.v1beta1.Query view of hosts as validators, for explorers
and wallets (no state of its own; reads the hosts, staking and sprint keepers)."""
