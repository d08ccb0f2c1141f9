"""AccountKeeper: the only code that touches the auth prefixes."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.auth.v1beta1.auth_pb2 import BaseAccount
from sprint.auth.v1.auth_pb2 import Params

from chain.modules.auth import keys
from chain.tx.crypto import encode_address


class AccountKeeper:
    """Accounts (number, sequence, pubkey) and auth params."""

    def get_account(self, store, address: bytes) -> BaseAccount | None:
        raw = store.get(keys.account_key(address))
        return BaseAccount.FromString(raw) if raw is not None else None

    def set_account(self, store, account: BaseAccount, address: bytes) -> None:
        store.set(keys.account_key(address), account.SerializeToString())

    def new_account(self, store, address: bytes) -> BaseAccount:
        """Create an account with the next account number (caller checks it does not exist)."""
        number = self.next_account_number(store)
        account = BaseAccount(address=encode_address(address), account_number=number, sequence=0)
        self.set_account(store, account, address)
        return account

    def get_or_create(self, store, address: bytes) -> BaseAccount:
        return self.get_account(store, address) or self.new_account(store, address)

    def next_account_number(self, store) -> int:
        raw = store.get(keys.NEXT_ACCOUNT_NUMBER_KEY)
        number = int.from_bytes(raw, "big") if raw else 0
        store.set(keys.NEXT_ACCOUNT_NUMBER_KEY, (number + 1).to_bytes(8, "big"))
        return number

    def set_next_account_number(self, store, number: int) -> None:
        store.set(keys.NEXT_ACCOUNT_NUMBER_KEY, number.to_bytes(8, "big"))

    def iterate_accounts(self, store):
        for key, raw in store.iterate(keys.ACCOUNT_PREFIX):
            yield keys.split_account_key(key), BaseAccount.FromString(raw)

    def get_params(self, store) -> Params:
        raw = store.get(keys.PARAMS_KEY)
        if raw is None:
            raise RuntimeError("auth params missing: the chain was not initialised")
        return Params.FromString(raw)

    def set_params(self, store, params: Params) -> None:
        store.set(keys.PARAMS_KEY, params.SerializeToString())
