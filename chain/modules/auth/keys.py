"""auth store layout (one-byte prefixes are global across modules; 0x00 is reserved for the app)."""

ACCOUNT_PREFIX = b"\x01"  # key: 0x01 | address(20) | value: cosmos.auth.v1beta1.BaseAccount
NEXT_ACCOUNT_NUMBER_KEY = b"\x02"  # key: 0x02 | value: uint64 big-endian
PARAMS_KEY = b"\x03"  # key: 0x03 | value: sprint.auth.v1.Params


def account_key(address: bytes) -> bytes:
    return ACCOUNT_PREFIX + address

PREFIXES = (ACCOUNT_PREFIX, NEXT_ACCOUNT_NUMBER_KEY, PARAMS_KEY)


def split_account_key(key: bytes) -> bytes:
    """The address of an account key."""
    return key[len(ACCOUNT_PREFIX):]
