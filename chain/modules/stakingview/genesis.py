"""stakingview genesis: none (the view owns no state, so it has no app_state section)."""
