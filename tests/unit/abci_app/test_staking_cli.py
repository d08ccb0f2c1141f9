"""`sprintd tx staking|hosts` input parsing: keys as hex or base64, the validator key from a home,
and one-line errors before any node is contacted."""

from __future__ import annotations

import base64
import json

import pytest
from click.testing import CliRunner

from abci_app.cli.common import CliError
from abci_app.cli.main import cli
from abci_app.cli.staking_cmd import home_consensus_pubkey, parse_consensus_pubkey, parse_worker_pubkey
from tests.helpers.chain import make_key


def test_worker_pubkey_hex_or_base64():
    pub = make_key(1).pubkey
    assert parse_worker_pubkey(pub.hex()) == pub == parse_worker_pubkey(base64.b64encode(pub).decode())
    with pytest.raises(CliError, match="not a compressed secp256k1"):
        parse_worker_pubkey((b"\x05" * 33).hex())
    with pytest.raises(CliError, match="33-byte key as hex or base64"):
        parse_worker_pubkey("zz")


def test_consensus_pubkey_from_home(tmp_path):
    key = bytes(range(32))
    (tmp_path / "config").mkdir()
    (tmp_path / "config/priv_validator_key.json").write_text(json.dumps(
        {"pub_key": {"type": "tendermint/PubKeyEd25519", "value": base64.b64encode(key).decode()}}))
    assert home_consensus_pubkey(str(tmp_path)) == key == parse_consensus_pubkey(key.hex())
    with pytest.raises(CliError, match="pass --consensus-pubkey"):
        home_consensus_pubkey(str(tmp_path / "missing"))


@pytest.mark.parametrize("args, message", [
    (["tx", "staking", "stake", "5", "--from", "a"], "has no denom; write 5usprint"),
    (["tx", "staking", "unstake", "1uatom", "--from", "a"], "only usprint is supported"),
    (["tx", "hosts", "register", "--from", "a", "--collateral", "1usprint", "--consensus-pubkey", "AAAA"],
     "--consensus-pubkey"),
    (["tx", "hosts", "register", "--from", "a", "--collateral", "1usprint", "--consensus-pubkey",
      base64.b64encode(bytes(32)).decode()], "the worker key is required"),
    (["tx", "hosts", "update", "--from", "a"], "nothing to update"),
    (["q", "staking", "stake", "sprint1bad"], "bad address"),
])
def test_bad_input_is_refused_locally(args, message, tmp_path):
    result = CliRunner().invoke(cli, args + ["--home", str(tmp_path)], standalone_mode=False)
    assert isinstance(result.exception, CliError) and message in str(result.exception)
