"""The worker's Sprint agent: follows blocks, commits and reveals seed shares, searches and submits
nonces, validates assigned provers, and keeps a crash-safe state file so a restart never submits
twice or loses a found nonce."""
