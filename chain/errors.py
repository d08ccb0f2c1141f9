"""Transaction error codes, numbered as in the Cosmos SDK's `sdk` codespace so clients recognise them."""

from __future__ import annotations

CODESPACE = "sdk"


class TxError(Exception):
    """A transaction failed a rule. Carries the ABCI code, codespace and a one-sentence log."""

    code = 1
    codespace = CODESPACE

    def __init__(self, log: str):
        super().__init__(log)
        self.log = log


def _error(name: str, code: int) -> type[TxError]:
    return type(name, (TxError,), {"code": code, "__doc__": f"ABCI code {code} ({CODESPACE})."})


ErrTxDecode = _error("ErrTxDecode", 2)
ErrInvalidSequence = _error("ErrInvalidSequence", 3)
ErrUnauthorized = _error("ErrUnauthorized", 4)
ErrInsufficientFunds = _error("ErrInsufficientFunds", 5)
ErrUnknownRequest = _error("ErrUnknownRequest", 6)
ErrInvalidAddress = _error("ErrInvalidAddress", 7)
ErrInvalidPubKey = _error("ErrInvalidPubKey", 8)
ErrUnknownAddress = _error("ErrUnknownAddress", 9)
ErrInvalidCoins = _error("ErrInvalidCoins", 10)
ErrOutOfGas = _error("ErrOutOfGas", 11)
ErrMemoTooLarge = _error("ErrMemoTooLarge", 12)
ErrInsufficientFee = _error("ErrInsufficientFee", 13)
ErrTooManySignatures = _error("ErrTooManySignatures", 14)
ErrNoSignatures = _error("ErrNoSignatures", 15)
ErrInvalidRequest = _error("ErrInvalidRequest", 18)
ErrTxTooLarge = _error("ErrTxTooLarge", 21)
ErrInvalidChainID = _error("ErrInvalidChainID", 28)
ErrTxTimeoutHeight = _error("ErrTxTimeoutHeight", 30)
ErrUnknownExtensionOptions = _error("ErrUnknownExtensionOptions", 31)
ErrWrongSequence = _error("ErrWrongSequence", 32)
ErrInvalidGasLimit = _error("ErrInvalidGasLimit", 41)


class StoreError(Exception):
    """The state backend failed under a read (I/O error, closed or corrupt database).

    Raised by the cache layer around its parent store; a node-local fault, never a tx result.
    Deliberately not a RuntimeError: code that reads "params missing" from a RuntimeError must not
    mistake a failed read for absent state and carry on with defaults."""


# Faults that depend on this node (memory, stack depth, disk, database, interpreter) rather than on
# the transaction: the same tx on another node would not raise them. See chain/runtx.py.
NODE_LOCAL_FAULTS = (MemoryError, RecursionError, OSError, SystemError, StoreError)


def is_node_local_fault(err: BaseException) -> bool:
    """True when `err`, or an exception it was raised from or while handling, is node-local:
    one of NODE_LOCAL_FAULTS or an error of the LevelDB binding (plyvel)."""
    seen = 0
    current: BaseException | None = err
    while current is not None and seen < 32:
        if isinstance(current, NODE_LOCAL_FAULTS) or type(current).__module__.split(".")[0] == "plyvel":
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False
