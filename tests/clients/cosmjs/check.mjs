// CosmJS (versions pinned in package-lock.json) against a running sprintchain devnet.
// Input (environment): SPRINT_RPC (CometBFT RPC URL), SPRINT_REST (REST gateway URL), SPRINT_CHAIN_ID,
// SPRINT_MNEMONICS (JSON array of at least 3 funded dev-account mnemonics), SPRINT_DENOM.
// Output: one JSON line per check, {"check", "ok", "detail"}, then {"done": true}; every check runs
// even when an earlier one failed (tests/e2e/test_cosmjs.py asserts each).
import { Secp256k1Wallet } from "@cosmjs/amino";
import { Bip39, EnglishMnemonic, Secp256k1, Slip10, Slip10Curve, stringToPath } from "@cosmjs/crypto";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import {
  GasPrice, QueryClient, SigningStargateClient, StargateClient,
  setupAuthExtension, setupBankExtension, setupTxExtension,
} from "@cosmjs/stargate";
import { connectComet } from "@cosmjs/tendermint-rpc";

const env = process.env;
const RPC = env.SPRINT_RPC;
const REST = env.SPRINT_REST;
const CHAIN_ID = env.SPRINT_CHAIN_ID;
const DENOM = env.SPRINT_DENOM || "usprint";
const MNEMONICS = JSON.parse(env.SPRINT_MNEMONICS || "[]");
const PREFIX = "sprint";
const HD_PATH = "m/44'/118'/0'/0/0";
const state = { received: 0n }; // received: usprint sent to the fresh address so far

function report(check, ok, detail) {
  console.log(JSON.stringify({ check, ok, detail }));
}

async function check(name, fn) {
  try {
    const detail = await fn();
    report(name, true, detail ?? null);
  } catch (err) {
    report(name, false, String(err && err.stack ? err.stack : err).slice(0, 2000));
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function privateKeyFromMnemonic(mnemonic) {
  const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(mnemonic));
  return Slip10.derivePath(Slip10Curve.Secp256k1, seed, stringToPath(HD_PATH)).privkey;
}

async function waitForTx(client, hash, seconds = 20) {
  for (let i = 0; i < seconds * 4; i++) {
    const tx = await client.getTx(hash);
    if (tx) return tx;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

const client = await StargateClient.connect(RPC);
const fresh = (await (await DirectSecp256k1HdWallet.generate(12, { prefix: PREFIX })).getAccounts())[0].address;
const direct = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONICS[0], { prefix: PREFIX });
const [sender] = await direct.getAccounts();

await check("chain_id", async () => {
  const id = await client.getChainId();
  expect(id === CHAIN_ID, `chain id ${id} != ${CHAIN_ID}`);
  return id;
});

await check("get_account_fresh_is_null", async () => {
  const account = await client.getAccount(fresh);
  expect(account === null, `expected null, got ${JSON.stringify(account)}`);
  return fresh;
});

await check("get_balance", async () => {
  const coin = await client.getBalance(sender.address, DENOM);
  expect(coin.denom === DENOM && BigInt(coin.amount) > 0n, `balance ${JSON.stringify(coin)}`);
  state.balanceBefore = coin.amount;
  return coin;
});

await check("send_tokens_auto_fee", async () => {
  const signing = await SigningStargateClient.connectWithSigner(RPC, direct,
    { gasPrice: GasPrice.fromString(`0.025${DENOM}`) });
  const result = await signing.sendTokens(sender.address, fresh, [{ denom: DENOM, amount: "12345" }], "auto",
    "cosmjs auto");
  expect(result.code === 0, `code ${result.code}: ${result.rawLog}`);
  state.autoHash = result.transactionHash;
  state.received += 12345n;
  const balance = await client.getBalance(fresh, DENOM);
  expect(balance.amount === String(state.received), `recipient balance ${balance.amount}`);
  return { hash: result.transactionHash, height: result.height, gasUsed: String(result.gasUsed) };
});

await check("amino_only_signer_send", async () => {
  const key = await privateKeyFromMnemonic(MNEMONICS[1]);
  const amino = await Secp256k1Wallet.fromKey(key, PREFIX);
  const [account] = await amino.getAccounts();
  expect(!("signDirect" in amino), "the wallet must be amino-only");
  const signing = await SigningStargateClient.connectWithSigner(RPC, amino);
  const fee = { amount: [{ denom: DENOM, amount: "5000" }], gas: "200000" };
  const result = await signing.sendTokens(account.address, fresh, [{ denom: DENOM, amount: "1000" }], fee,
    "cosmjs amino");
  expect(result.code === 0, `code ${result.code}: ${result.rawLog}`);
  state.aminoHash = result.transactionHash;
  state.aminoSender = account.address;
  state.received += 1000n;
  return { hash: result.transactionHash, signer: account.address };
});

await check("get_tx", async () => {
  const tx = await waitForTx(client, state.aminoHash);
  expect(tx !== null, `tx ${state.aminoHash} not found`);
  expect(tx.code === 0 && tx.height > 0, `code ${tx.code} height ${tx.height}`);
  expect(tx.hash.toUpperCase() === state.aminoHash.toUpperCase(), "hash mismatch");
  return { hash: tx.hash, height: tx.height };
});

await check("search_tx", async () => {
  const found = await client.searchTx([{ key: "transfer.recipient", value: fresh }]);
  const hashes = found.map((tx) => tx.hash.toUpperCase());
  const sent = [state.autoHash, state.aminoHash].filter(Boolean).map((h) => h.toUpperCase());
  expect(sent.length > 0 && sent.every((h) => hashes.includes(h)), `search found ${JSON.stringify(hashes)}`);
  const bySender = await client.searchTx(`message.sender='${state.aminoSender}'`);
  expect(bySender.some((tx) => tx.hash.toUpperCase() === state.aminoHash.toUpperCase()), "query string search");
  return hashes;
});

await check("get_account_after_send", async () => {
  const account = await client.getAccount(state.aminoSender);
  expect(account && account.address === state.aminoSender && account.sequence >= 1, JSON.stringify(account));
  expect(account.pubkey && account.pubkey.type === "tendermint/PubKeySecp256k1", "pubkey after first tx");
  return { accountNumber: account.accountNumber, sequence: account.sequence };
});

await check("query_client_extensions", async () => {
  const comet = await connectComet(RPC);
  const queries = QueryClient.withExtensions(comet, setupAuthExtension, setupBankExtension, setupTxExtension);
  const coin = await queries.bank.balance(fresh, DENOM);
  const received = String(state.received);
  expect(received !== "0" && coin.amount === received, `bank.balance ${coin.amount}`);
  const all = await queries.bank.allBalances(fresh);
  expect(all.length === 1 && all[0].amount === received, `bank.allBalances ${JSON.stringify(all)}`);
  const supply = await queries.bank.supplyOf(DENOM);
  expect(BigInt(supply.amount) > 0n, "bank.supplyOf");
  const any = await queries.auth.account(fresh);
  expect(any && any.typeUrl === "/cosmos.auth.v1beta1.BaseAccount", `auth.account ${any && any.typeUrl}`);
  const got = await queries.tx.getTx(state.aminoHash);
  expect(got.txResponse && got.txResponse.code === 0 && got.txResponse.txhash === state.aminoHash.toUpperCase(),
    "tx.getTx");
  comet.disconnect();
  return { balance: coin.amount, supply: supply.amount };
});

await check("rest_matches_cosmjs", async () => {
  if (!REST) return "no REST url given";
  const response = await fetch(`${REST}/cosmos/bank/v1beta1/balances/${fresh}/by_denom?denom=${DENOM}`);
  const body = await response.json();
  expect(response.status === 200 && body.balance.amount === String(state.received) && state.received > 0n,
    JSON.stringify(body));
  return body.balance;
});

client.disconnect();
console.log(JSON.stringify({ done: true }));
