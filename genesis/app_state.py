"""The genesis `app_state` the chain's InitChain consumes.

```json
{"auth": {"accounts": [{"address": "sprint1...", "account_number": "0", "sequence": "0"}]},
 "bank": {"balances": [{"address": "sprint1...", "coins": [{"denom": "usprint", "amount": "1"}]}],
          "supply": [{"denom": "usprint", "amount": "<sum of all balances>"}]}}
```

Amounts and numbers are decimal strings. Account numbers are 0..n-1 in the order the accounts are
given (so the first dev account, alice, is account 0); balances are sorted by raw address bytes
(as the Cosmos SDK and our bank export do), coins and supply by denom. Module params are omitted: the chain uses its defaults.

Genesis bonds (`add_bonds`) add a "staking" section and mint the bonded coins into the staking
module account (listed as an ordinary auth account with a bank balance), so supply stays the sum
of balances:

```json
"staking": {"params": {"unbonding_blocks": "20"},
            "bonds": [{"operator": "sprint1...", "amount": "10000000000"}], "unbonding": []}
```

With a "staking" section, every genesis host holding power (active, weight > 0) must be bonded with
at least min_collateral.

`add_sprint_params` writes the Sprint params (`"sprint": {"params": {"commit_blocks": "3", ...}}`),
optionally with the phase lengths split from one epoch length.
"""

from __future__ import annotations

from chain.modules.bank.keys import module_address
from chain.modules.staking.params import DEFAULT_MIN_COLLATERAL
from chain.tx.crypto import AddressError, decode_address, encode_address

BASE_DENOM = "usprint"
STAKING_MODULE = "staking"
STAKING_MODULE_ADDRESS = encode_address(module_address(STAKING_MODULE))
DEFAULT_COLLATERAL = 10 * DEFAULT_MIN_COLLATERAL  # usprint bonded per genesis host (10,000 SPRINT)
DEV_UNBONDING_BLOCKS = 20  # devnet/testnet lock-up: seconds, not days
# devnet/testnet staking params (proto JSON): new stake locked 2..5 blocks, unbonding released
# linearly over 5..20 blocks, bans of 50 blocks; slash fractions keep the chain's defaults.
DEV_STAKING_PARAMS = {"unbonding_blocks": str(DEV_UNBONDING_BLOCKS), "min_lockup_blocks": "2",
                      "max_lockup_blocks": "5", "min_release_blocks": "5", "ban_blocks": "50"}
# devnet/testnet reputation params: full reputation after 5 honest epochs (the chain default is 30).
DEV_REPUTATION_PARAMS = {"full_reputation_epochs": "5"}


class GenesisError(ValueError):
    """An app_state that InitChain would reject; the message says which entry and why."""


def build_app_state(funded: list[tuple[str, int]], denom: str = BASE_DENOM) -> dict:
    """app_state with one account per (address, amount), in the given order, funded in `denom`.

    An amount of 0 creates the account without a balance entry. Duplicate addresses are an error."""
    accounts = []
    balances = []
    seen: set[str] = set()
    total = 0
    for number, (address, amount) in enumerate(funded):
        try:
            decode_address(address)
        except AddressError as err:
            raise GenesisError(f"genesis account #{number}: {err}") from None
        if address in seen:
            raise GenesisError(f"genesis account {address} is listed twice")
        seen.add(address)
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise GenesisError(f"genesis account {address}: amount must be a non-negative integer")
        accounts.append({"address": address, "account_number": str(number), "sequence": "0"})
        if amount > 0:
            balances.append({"address": address, "coins": [{"denom": denom, "amount": str(amount)}]})
            total += amount
    balances.sort(key=lambda b: decode_address(b["address"]))
    supply = [{"denom": denom, "amount": str(total)}] if total > 0 else []
    app_state = {
        "auth": {"accounts": accounts},
        "bank": {"balances": balances, "supply": supply},
    }
    validate_app_state(app_state)
    return app_state


def add_bonds(app_state: dict, bonds: list[tuple[str, int]], params: dict | None = None,
              denom: str = BASE_DENOM) -> dict:
    """Bond `amount` for each (operator, amount) at genesis, in place, and return app_state.

    The bonded coins are minted into the staking module account (added to auth.accounts when
    missing), so bank supply grows by their sum. `params` (staking params as proto JSON, e.g.
    {"unbonding_blocks": "20"}) replaces the section's params; omitted fields take the chain's
    defaults. Raises GenesisError on bad or duplicate operators or non-positive amounts."""
    staking = app_state.setdefault("staking", {"bonds": [], "unbonding": []})
    if params is not None:
        staking["params"] = dict(params)
    listed = {b.get("operator") for b in staking.setdefault("bonds", [])}
    total = 0
    for operator, amount in bonds:
        try:
            decode_address(operator)
        except AddressError as err:
            raise GenesisError(f"genesis bond: {err}") from None
        if operator in listed:
            raise GenesisError(f"genesis bond for {operator} is listed twice")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise GenesisError(f"genesis bond for {operator}: amount must be a positive integer")
        listed.add(operator)
        staking["bonds"].append({"operator": operator, "amount": str(amount)})
        total += amount
    staking["bonds"].sort(key=lambda b: decode_address(b["operator"]))
    if total:
        _mint(app_state, STAKING_MODULE_ADDRESS, denom, total)
    validate_app_state(app_state)
    return app_state


def add_sprint_params(app_state: dict, epoch_length: int | None = None, overrides: dict | None = None) -> dict:
    """Write app_state["sprint"] = {"params": ...}, in place, and return app_state: the chain's
    devnet defaults, with the six phase lengths split from `epoch_length` (3:3:8:3:4:3, see
    chain.modules.sprint.params.phase_lengths) when given, then `overrides` (proto JSON names).
    Raises GenesisError when the result is not valid sprint params."""
    from chain.errors import TxError
    from chain.modules.sprint.genesis import default_genesis, validate_genesis
    from chain.modules.sprint.params import phase_lengths

    params = default_genesis()["params"]
    try:
        if epoch_length is not None:
            params.update({name: str(value) for name, value in phase_lengths(epoch_length).items()})
        params.update(overrides or {})
        validate_genesis({"params": params})
    except TxError as err:
        raise GenesisError(err.log) from None
    app_state["sprint"] = {"params": params}
    return app_state


def add_reputation_params(app_state: dict, overrides: dict | None = None) -> dict:
    """Write app_state["reputation"] = {"params": ..., "hosts": []}, in place, and return app_state:
    the chain's defaults with DEV_REPUTATION_PARAMS, then `overrides` (proto JSON names). Raises
    GenesisError when the result is not a valid reputation genesis."""
    from chain.errors import TxError
    from chain.modules.reputation.genesis import default_genesis, validate_genesis

    section = default_genesis()
    section["params"].update(DEV_REPUTATION_PARAMS)
    section["params"].update(overrides or {})
    try:
        validate_genesis(section)
    except TxError as err:
        raise GenesisError(err.log) from None
    app_state["reputation"] = section
    return app_state


def add_rewards_params(app_state: dict, overrides: dict | None = None) -> dict:
    """Write app_state["rewards"] = {"params": ...}, in place, and return app_state: the chain's
    default issuance schedule and split (an omitted section means the same defaults), then
    `overrides` (proto JSON names). Raises GenesisError when the params are not valid."""
    from chain.errors import TxError
    from chain.modules.rewards.genesis import default_genesis, validate_genesis

    section = default_genesis()
    section["params"].update(overrides or {})
    try:
        validate_genesis(section)
    except TxError as err:
        raise GenesisError(err.log) from None
    app_state["rewards"] = section
    return app_state


def add_inference(app_state: dict, models: list[dict] | None = None, params: dict | None = None) -> dict[str, bytes]:
    """Write the inference section, in place: the chain's default params updated with `params`
    (proto JSON names, e.g. {"expiry_blocks": "10"}), keeping any models already listed, plus
    `models` (default: the generated "tiny-lm", see add_genesis_models). Returns {weights sha256:
    weights bytes} for generated models. Raises GenesisError when the section is not valid."""
    from chain.errors import TxError
    from chain.modules.inference.genesis import default_genesis, parse_genesis

    section = app_state.setdefault("inference", {})
    merged = default_genesis()["params"]
    merged.update(section.get("params") or {})
    merged.update(params or {})
    section["params"] = merged
    blobs = add_genesis_models(app_state, models)
    try:
        parse_genesis(section)
    except TxError as err:
        raise GenesisError(err.log) from None
    return blobs


def add_genesis_models(app_state: dict, models: list[dict] | None = None) -> dict[str, bytes]:
    """Register inference models at genesis, in place: app_state["inference"]["models"] gains one
    proto-JSON Model per entry (default: the generated "tiny-lm", genesis/tiny_lm.py). Returns
    {weights sha256: weights bytes} for the generated models, for the node homes' blob stores."""
    from genesis.tiny_lm import INIT_SEED, generate_tiny_lm, genesis_model

    blobs: dict[str, bytes] = {}
    if models is None:
        model = genesis_model()
        blobs[model["weights_sha256"]] = generate_tiny_lm(INIT_SEED)
        models = [model]
    section = app_state.setdefault("inference", {})
    listed = section.setdefault("models", [])
    for model in models:
        if any(m.get("name") == model["name"] for m in listed):
            raise GenesisError(f"genesis model {model['name']!r} is listed twice")
        entry = dict(model)
        for field in ("weights_size", "price_per_token", "init_seed"):
            if field in entry:
                entry[field] = str(entry[field])
        listed.append(entry)
    listed.sort(key=lambda m: m["name"])
    return blobs


def _mint(app_state: dict, address: str, denom: str, amount: int) -> None:
    """Credit `amount` to `address` (creating its account) and raise the supply to match."""
    accounts = app_state.setdefault("auth", {}).setdefault("accounts", [])
    if all(a.get("address") != address for a in accounts):
        number = max((int(a["account_number"]) for a in accounts), default=-1) + 1
        accounts.append({"address": address, "account_number": str(number), "sequence": "0"})
    bank = app_state.setdefault("bank", {})
    balances = bank.setdefault("balances", [])
    entry = next((b for b in balances if b.get("address") == address), None)
    if entry is None:
        entry = {"address": address, "coins": []}
        balances.append(entry)
        balances.sort(key=lambda b: decode_address(b["address"]))
    coin = next((c for c in entry["coins"] if c.get("denom") == denom), None)
    if coin is None:
        entry["coins"].append({"denom": denom, "amount": str(amount)})
        entry["coins"].sort(key=lambda c: c["denom"])
    else:
        coin["amount"] = str(int(coin["amount"]) + amount)
    supply = bank.setdefault("supply", [])
    held = next((c for c in supply if c.get("denom") == denom), None)
    if held is None:
        supply.append({"denom": denom, "amount": str(amount)})
        supply.sort(key=lambda c: c["denom"])
    else:
        held["amount"] = str(int(held["amount"]) + amount)


def _parse_amount(text, where: str) -> int:
    if not isinstance(text, str) or not text.isdigit() or not text.isascii():
        raise GenesisError(f"{where}: {text!r} must be a decimal string of digits")
    if len(text) > 1 and text[0] == "0":
        raise GenesisError(f"{where}: {text!r} has leading zeros")
    return int(text)


def validate_app_state(app_state: dict) -> None:
    """Raise GenesisError unless `app_state` follows the schema above: valid unique addresses,
    unique account numbers, balances only for listed accounts and sorted by address bytes,
    positive amounts, and supply equal to the sum of balances per denom (the canonical form this
    tool writes); then the auth and bank sections must pass the chain's own genesis validation
    (the rules InitChain applies, so the tool never accepts accounts or balances the chain refuses)."""
    _validate_canonical_form(app_state)
    validate_with_chain_rules(app_state, CHAIN_CHECKED_SECTIONS)


CHAIN_CHECKED_SECTIONS = ("auth", "bank")


def validate_with_chain_rules(app_state: dict, sections: tuple[str, ...]) -> None:
    """Run the named module sections through their AppModule.validate_genesis (the chain's rules);
    GenesisError naming the section otherwise."""
    from chain.errors import TxError
    from chain.modules import registry

    for module in registry.ModuleManager(registry.build_keepers()).modules:
        if module.name in sections and module.name in app_state:
            try:
                module.validate_genesis(app_state[module.name])
            except TxError as err:
                raise GenesisError(f"app_state.{module.name}: {err.log}") from None


def _validate_canonical_form(app_state: dict) -> None:
    if not isinstance(app_state, dict):
        raise GenesisError("app_state must be a JSON object")
    auth = app_state.get("auth", {})
    bank = app_state.get("bank", {})
    if not isinstance(auth, dict) or not isinstance(bank, dict):
        raise GenesisError("app_state.auth and app_state.bank must be JSON objects")
    accounts = auth.get("accounts", [])
    balances = bank.get("balances", [])
    supply = bank.get("supply", [])
    if not all(isinstance(x, list) for x in (accounts, balances, supply)):
        raise GenesisError("auth.accounts, bank.balances and bank.supply must be lists")

    known: set[str] = set()
    numbers: set[int] = set()
    for i, acc in enumerate(accounts):
        where = f"auth.accounts[{i}]"
        if not isinstance(acc, dict):
            raise GenesisError(f"{where} must be an object")
        address = acc.get("address")
        try:
            decode_address(address)
        except AddressError as err:
            raise GenesisError(f"{where}: {err}") from None
        if address in known:
            raise GenesisError(f"{where}: address {address} is listed twice")
        known.add(address)
        number = _parse_amount(acc.get("account_number"), f"{where}.account_number")
        if number in numbers:
            raise GenesisError(f"{where}: account_number {number} is used twice")
        numbers.add(number)
        _parse_amount(acc.get("sequence", "0"), f"{where}.sequence")

    totals: dict[str, int] = {}
    previous = None
    for i, bal in enumerate(balances):
        where = f"bank.balances[{i}]"
        if not isinstance(bal, dict):
            raise GenesisError(f"{where} must be an object")
        address = bal.get("address")
        try:
            decode_address(address)
        except AddressError as err:
            raise GenesisError(f"{where}: {err}") from None
        if address not in known:
            raise GenesisError(f"{where}: {address} has a balance but no auth account")
        raw = decode_address(address)
        if previous is not None and raw <= previous:
            raise GenesisError(f"{where}: balances must be sorted by address bytes with no duplicates")
        previous = raw
        coins = bal.get("coins", [])
        if not isinstance(coins, list) or not coins:
            raise GenesisError(f"{where}: coins must be a non-empty list")
        last_denom = None
        for j, coin in enumerate(coins):
            cwhere = f"{where}.coins[{j}]"
            denom = coin.get("denom") if isinstance(coin, dict) else None
            if not isinstance(denom, str) or not denom:
                raise GenesisError(f"{cwhere}: missing denom")
            if last_denom is not None and denom <= last_denom:
                raise GenesisError(f"{cwhere}: coins must be sorted by denom with no duplicates")
            last_denom = denom
            amount = _parse_amount(coin.get("amount"), cwhere)
            if amount == 0:
                raise GenesisError(f"{cwhere}: zero amounts are not listed")
            totals[denom] = totals.get(denom, 0) + amount

    declared: dict[str, int] = {}
    last_denom = None
    for j, coin in enumerate(supply):
        where = f"bank.supply[{j}]"
        denom = coin.get("denom") if isinstance(coin, dict) else None
        if not isinstance(denom, str) or not denom:
            raise GenesisError(f"{where}: missing denom")
        if last_denom is not None and denom <= last_denom:
            raise GenesisError(f"{where}: supply must be sorted by denom with no duplicates")
        last_denom = denom
        declared[denom] = _parse_amount(coin.get("amount"), where)
    if declared != totals:
        raise GenesisError(
            f"bank.supply {_fmt(declared)} does not equal the sum of balances {_fmt(totals)}"
        )
    if "staking" in app_state:
        _validate_staking(app_state)


def _validate_staking(app_state: dict) -> None:
    """Bonds + unbonding equal the staking module account's balance; every host has a bond of at
    least min_collateral (the chain checks the same at InitChain)."""
    staking = app_state["staking"]
    if not isinstance(staking, dict):
        raise GenesisError("app_state.staking must be a JSON object")
    params = staking.get("params") or {}
    denom = params.get("bond_denom", BASE_DENOM)
    minimum = _parse_amount(str(params.get("min_collateral", DEFAULT_MIN_COLLATERAL)), "staking.params.min_collateral")
    bonded: dict[str, int] = {}
    for i, bond in enumerate(staking.get("bonds", [])):
        where = f"staking.bonds[{i}]"
        operator = bond.get("operator") if isinstance(bond, dict) else None
        if operator in bonded:
            raise GenesisError(f"{where}: operator {operator} is bonded twice")
        bonded[operator] = _parse_amount(bond.get("amount"), where)
    unbonding = sum(_parse_amount(e.get("amount"), f"staking.unbonding[{i}]")
                    for i, e in enumerate(staking.get("unbonding", [])))
    held = 0
    for bal in app_state["bank"].get("balances", []):
        if bal["address"] == STAKING_MODULE_ADDRESS:
            held = sum(int(c["amount"]) for c in bal["coins"] if c["denom"] == denom)
    if held != sum(bonded.values()) + unbonding:
        raise GenesisError(f"staking bonds + unbonding = {sum(bonded.values()) + unbonding}{denom} but the staking "
                           f"module account {STAKING_MODULE_ADDRESS} holds {held}{denom}")
    for i, host in enumerate((app_state.get("hosts") or {}).get("hosts", [])):
        holds_power = host.get("status", "HOST_STATUS_ACTIVE") == "HOST_STATUS_ACTIVE" and int(host.get("weight", 0)) > 0
        if holds_power and bonded.get(host.get("operator"), 0) < minimum:
            raise GenesisError(f"hosts.hosts[{i}]: {host.get('operator')} has "
                               f"{bonded.get(host.get('operator'), 0)}{denom} bonded, below min_collateral "
                               f"{minimum}{denom}; give it a genesis bond (add_bonds)")


def _fmt(coins: dict[str, int]) -> str:
    return ",".join(f"{v}{k}" for k, v in sorted(coins.items())) or "0"
