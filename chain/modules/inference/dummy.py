"""Dummy inference tasks (docs/economics.md §5): work for idle hosts in quiet epochs.

At the first block of epoch E (run by the mint module's end block, which holds the params and the
funding), when the users' requests of epoch E-1 stayed below dummy_demand_requests, every eligible
host with fewer than dummy_idle_jobs settled user jobs in E-1 is idle. Idle hosts, in the order of
sha256(seed || operator) with seed = sha256("sprint/dummy/v1" || sprint seed of E-1 || be64(E)),
get up to dummy_max_jobs_per_host jobs each (no more than they lack to reach dummy_idle_jobs),
until dummy_max_jobs_per_epoch jobs or the budget (dummy_budget_bps of the epoch's scheduled
issuance, in max fees) is reached.

A dummy job is an ordinary PENDING job with `dummy = true`, requester = the "dummy_tasks" module
account, its executor already set to the idle host (sampling seed from this block's hash, as the
draw would give it), a prompt from the built-in corpus, greedy sampling, and max_fee = price x
(prompt + max_tokens) escrowed from "dummy_tasks". Execution, checks, expiry, refunds and
settlement are those of every job. "dummy_tasks" is topped up from issuance to what the jobs
escrow (refunds stay in it for the next epoch). Dummy jobs count in no KPI.
"""

from __future__ import annotations

import hashlib

from sprint.inference.v1.inference_pb2 import JOB_STATUS_PENDING, Job, SamplingParams

from chain.context import Context
from chain.modules.bank.keys import module_address
from chain.modules.inference import executor, keys
from chain.tx.crypto import encode_address

DUMMY_MODULE = "dummy_tasks"
SEED_TAG = b"sprint/dummy/v1"
BPS = 10_000
CORPUS = (
    "the", "a", "network", "verifies", "every", "proof", "of", "work", "before", "it", "pays", "hosts",
    "train", "models", "on", "shared", "data", "while", "validators", "check", "sampled", "steps", "and",
    "users", "ask", "questions", "about", "weather", "rivers", "stars", "music", "numbers", "history",
    "gardens", "bridges", "language", "light", "time", "why", "how", "does", "what", "is", "small",
    "large", "quiet", "bright", "cold", "warm", "old", "new", "tell", "me", "story", "explain", "write",
)


def dummy_seed(sprint_seed: bytes, epoch: int) -> bytes:
    """The seed of epoch `epoch`'s dummy tasks (from the sprint seed of the epoch before)."""
    return hashlib.sha256(SEED_TAG + sprint_seed + epoch.to_bytes(8, "big")).digest()


def dummy_prompt(seed: bytes, operator: bytes, index: int, max_bytes: int) -> bytes:
    """A deterministic prompt of 4..11 corpus words for the `index`-th job of `operator`, cut to
    `max_bytes` (at least one byte)."""
    head = hashlib.sha256(seed + operator + index.to_bytes(4, "big")).digest()
    words = []
    for i in range(4 + head[0] % 8):
        pick = hashlib.sha256(head + i.to_bytes(4, "big")).digest()
        words.append(CORPUS[int.from_bytes(pick[:8], "big") % len(CORPUS)])
    return " ".join(words).encode()[:max(1, max_bytes)]


def idle_order(seed: bytes, operators: list[bytes]) -> list[bytes]:
    """`operators` ordered by sha256(seed || operator) (ties cannot happen between distinct operators)."""
    return sorted(operators, key=lambda operator: hashlib.sha256(seed + operator).digest())


def plan_jobs(params, seed: bytes, idle: list[tuple[bytes, int]], price: int, max_tokens: int,
              max_prompt: int, budget: int) -> list[tuple[bytes, bytes, int]]:
    """(operator, prompt, max_fee) of the jobs to issue: `idle` = [(operator, settled user jobs)]
    in issue order; per host min(dummy_max_jobs_per_host, dummy_idle_jobs - settled), in all at
    most dummy_max_jobs_per_epoch and a total max_fee within `budget`."""
    jobs, spent = [], 0
    for operator, settled in idle:
        for index in range(min(params.dummy_max_jobs_per_host, params.dummy_idle_jobs - settled)):
            prompt = dummy_prompt(seed, operator, index, max_prompt)
            fee = price * (len(prompt) + max_tokens)
            if len(jobs) >= params.dummy_max_jobs_per_epoch or spent + fee > budget:
                return jobs
            jobs.append((operator, prompt, fee))
            spent += fee
    return jobs


def issue_job(ctx: Context, keepers, operator: bytes, model: str, prompt: bytes, max_tokens: int, max_fee: int) -> Job:
    """Escrow `max_fee` from "dummy_tasks" and store a PENDING dummy job drawn to `operator`."""
    inference = keepers.inference
    params = inference.get_params(ctx.store)
    if max_fee:
        keepers.bank.send_module_to_module(ctx, DUMMY_MODULE, keys.MODULE_NAME, [(params.fee_denom, max_fee)])
    job_id = inference.allocate_job_id(ctx.store)
    height = ctx.block.height
    job = Job(id=job_id, requester=encode_address(module_address(DUMMY_MODULE)), model=model, prompt=prompt,
              prompt_size=len(prompt), max_tokens=max_tokens, sampling=SamplingParams(), max_fee=max_fee,
              submit_height=height, deadline_height=height + params.expiry_blocks, status=JOB_STATUS_PENDING,
              executor=encode_address(operator), sampling_seed=executor.sampling_seed(ctx.block.hash, job_id),
              dummy=True)
    inference.set_job(ctx.store, job)
    ctx.emit("inference_submitted", ("job_id", str(job.id)), ("requester", job.requester), ("model", model),
             ("prompt_size", str(job.prompt_size)), ("max_tokens", str(max_tokens)),
             ("max_fee", f"{max_fee}{params.fee_denom}"), ("deadline_height", str(job.deadline_height)),
             ("dummy", "true"))
    ctx.emit("inference_assigned", ("job_id", str(job.id)), ("executor", job.executor),
             ("sampling_seed", job.sampling_seed.hex()), ("deadline_height", str(job.deadline_height)),
             ("dummy", "true"))
    return job


def _model(keepers, store, name: str):
    if name:
        return keepers.inference.get_model(store, name)
    models = keepers.inference.models(store)
    return models[0] if models else None


def issue_for_epoch(ctx: Context, keepers, epoch: int, settled: dict[bytes, int]) -> list[Job]:
    """Issue epoch `epoch`'s dummy jobs (see the module docstring); `keepers` gives mint (params,
    budget, funding), bank, sprint, reputation, rewards, hosts and inference. Returns the jobs."""
    store, mint_params = ctx.store, keepers.mint.get_params(ctx.store)
    if epoch == 0 or mint_params.dummy_max_jobs_per_epoch == 0:
        return []
    if keepers.reputation.requests(store, epoch - 1) >= mint_params.dummy_demand_requests:
        return []  # user demand is back
    model, iparams = _model(keepers, store, mint_params.dummy_model), keepers.inference.get_params(store)
    denom = keepers.rewards.get_params(store).denom
    if model is None or iparams.fee_denom != denom:
        return []
    max_tokens = min(mint_params.dummy_max_tokens, iparams.max_tokens_limit, model.config.max_seq_len - 1)
    max_prompt = min(iparams.max_inline_prompt_bytes, model.config.max_seq_len - max_tokens)
    if max_tokens < 1 or max_prompt < 1:
        return []
    seed = dummy_seed(keepers.sprint.get_seed(store, epoch - 1), epoch)
    idle = [op for op, _ in keepers.hosts.eligible_hosts(store) if settled.get(op, 0) < mint_params.dummy_idle_jobs]
    budget = keepers.mint.epoch_issuance(store, keepers.rewards.get_params(store), epoch) \
        * mint_params.dummy_budget_bps // BPS
    plan = plan_jobs(mint_params, seed, [(op, settled.get(op, 0)) for op in idle_order(seed, idle)],
                     model.price_per_token, max_tokens, max_prompt, budget)
    balance = keepers.bank.balance(store, module_address(DUMMY_MODULE), denom)
    keepers.mint.fund_dummy_tasks(ctx, epoch, denom, sum(fee for _, _, fee in plan) - balance)
    jobs = [issue_job(ctx, keepers, op, model.name, prompt, max_tokens, fee) for op, prompt, fee in plan]
    if jobs:
        ctx.emit("mint_dummy_tasks", ("epoch", str(epoch)), ("jobs", str(len(jobs))),
                 ("hosts", str(len({op for op, _, _ in plan}))))
    return jobs
