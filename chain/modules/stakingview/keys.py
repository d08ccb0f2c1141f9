"""stakingview store layout: none. The view owns no prefix; it reads hosts, staking and sprint
state through their keepers (and pages hosts by the hosts module's HOST_PREFIX)."""

PREFIXES: tuple[bytes, ...] = ()
