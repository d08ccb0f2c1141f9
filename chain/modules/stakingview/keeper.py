"""stakingview has no keeper of its own: it owns no state. Its queries read the hosts, staking and
sprint keepers named in expected_keepers.StakingViewDeps."""

from chain.modules.stakingview.expected_keepers import StakingViewDeps

StakingViewKeeper = StakingViewDeps  # the "keeper" of a view is the set of keepers it reads
