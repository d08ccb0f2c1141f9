"""Local input checks of `sprintd tx inference ...` (no node needed)."""

from __future__ import annotations

import json

import pytest

from abci_app.cli.common import CliError
from abci_app.cli.inference_cmd import check_safetensors, parse_model_config, parse_temperature, read_prompt
from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config


@pytest.mark.parametrize("text,milli", [("0", 0), ("0.7", 700), ("1", 1000), ("0.125", 125), ("2.5", 2500)])
def test_temperature(text, milli):
    assert parse_temperature(text) == milli


@pytest.mark.parametrize("text,message", [("-1", "decimal >= 0"), ("abc", "decimal >= 0"), ("nan", "decimal >= 0"),
                                          ("0.0001", "more than 3 decimals"), ("1000", "too high")])
def test_bad_temperature(text, message):
    with pytest.raises(CliError, match=message):
        parse_temperature(text)


def test_model_config_from_json_file_and_flags(tmp_path):
    config = tiny_lm_config()
    assert parse_model_config(json.dumps(config), {}).d_model == 64
    path = tmp_path / "c.json"
    path.write_text(json.dumps(config))
    assert parse_model_config(str(path), {}).max_seq_len == 128
    flags = {"vocab_size": None, "d_model": 8, "n_layers": 1, "n_heads": 2, "d_ff": 16, "max_seq_len": 32}
    assert parse_model_config(None, flags).n_heads == 2
    with pytest.raises(CliError, match="incomplete: pass --config-json or --d-ff"):
        parse_model_config(None, dict(flags, d_ff=None))
    with pytest.raises(CliError, match="not both"):
        parse_model_config(json.dumps(config), flags)
    with pytest.raises(CliError, match="must be an object with the fields"):
        parse_model_config(json.dumps({"layers": 2}), {})
    with pytest.raises(CliError, match="neither JSON nor a readable file"):
        parse_model_config(str(tmp_path / "missing.json"), {})


def test_safetensors_check(tmp_path):
    check_safetensors(generate_tiny_lm(5), "w")
    for bad in (b"", b"\x00" * 8, b"\xff" * 64, (10).to_bytes(8, "little") + b"not json!!"):
        with pytest.raises(CliError, match="not a safetensors file"):
            check_safetensors(bad, "w")


def test_prompt_sources(tmp_path):
    assert read_prompt("héllo", None) == "héllo".encode()
    path = tmp_path / "p"
    path.write_bytes(b"from file")
    assert read_prompt(None, str(path)) == b"from file"
    with pytest.raises(CliError, match="exactly one of"):
        read_prompt("a", str(path))
    with pytest.raises(CliError, match="exactly one of"):
        read_prompt(None, None)
    with pytest.raises(CliError, match="cannot read --prompt-file"):
        read_prompt(None, str(tmp_path / "nope"))
