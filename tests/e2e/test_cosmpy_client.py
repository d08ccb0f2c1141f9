"""cosmpy's LedgerClient, an independent Cosmos client, against our gRPC server."""

from __future__ import annotations

from cosmpy.aerial.wallet import LocalWallet



def test_cosmpy_send_tokens_moves_exact_amounts(devnet, ledger):
    info, _ = devnet
    wallet = LocalWallet.from_mnemonic(info["accounts"][2]["mnemonic"], prefix="sprint")
    recipient = info["accounts"][3]["address"]
    assert str(wallet.address()) == info["accounts"][2]["address"]
    sender_before = ledger.query_bank_balance(wallet.address(), "usprint")
    recipient_before = ledger.query_bank_balance(recipient, "usprint")

    submitted = ledger.send_tokens(recipient, 123_456, "usprint", wallet)
    submitted.wait_to_complete()
    response = submitted.response
    assert response.code == 0, response.raw_log
    fee = int(response.events["tx"]["fee"].removesuffix("usprint"))
    assert fee > 0

    assert ledger.query_bank_balance(recipient, "usprint") == recipient_before + 123_456
    assert ledger.query_bank_balance(wallet.address(), "usprint") == sender_before - 123_456 - fee
    assert response.events["transfer"]["amount"] in ("123456usprint", f"{fee}usprint")


def test_cosmpy_account_and_unknown_balance(devnet, ledger):
    info, _ = devnet
    account = ledger.query_account(info["accounts"][0]["address"])
    assert account.number == 0
    fresh = LocalWallet.generate(prefix="sprint")
    assert ledger.query_bank_balance(fresh.address(), "usprint") == 0
