"""hosts: the host registry (operator account, ed25519 consensus key, worker key, weight, status)."""
