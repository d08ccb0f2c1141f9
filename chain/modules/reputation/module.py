"""The reputation AppModule: per-host honesty records, validation probability, scheduling score."""

from __future__ import annotations

from chain.modules.module import AppModule
from chain.modules.reputation import genesis, keys, query_server
from chain.modules.reputation.keeper import ReputationKeeper


WHY_NO_MSG_SERVER = "records change only through inference results, expiries, frauds and epoch settlement"


class ReputationModule(AppModule, name="reputation", keys=keys, genesis=genesis, queries=query_server,
                       no_msg_server=WHY_NO_MSG_SERVER):
    def __init__(self, keeper: ReputationKeeper):
        super().__init__(keeper)
