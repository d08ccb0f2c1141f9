"""The training agent's reads of the chain: training params and jobs over the node's gRPC."""

from __future__ import annotations

import grpc
from sprint.training.v1 import query_pb2 as tq, query_pb2_grpc as tgrpc
from sprint.training.v1 import training_pb2 as tpb

from abci_app.client import NodeClient, NodeError

PAGE = 200


class TrainingView:
    def __init__(self, client: NodeClient):
        self.client = client
        self._stub = tgrpc.QueryStub(client.channel)

    def params(self):
        return self.client._call("Training/Params", self._stub.Params, tq.QueryParamsRequest()).params

    def job(self, job_id: int):
        """The job, or None when the chain has no such job."""
        try:
            return self.client._call("Training/Job", self._stub.Job, tq.QueryJobRequest(id=job_id)).job
        except NodeError as err:
            if err.code == grpc.StatusCode.NOT_FOUND:
                return None
            raise

    def jobs(self, *, host: str = "", status: int = 0) -> list:
        """Every job matching the filters, ascending id (all pages)."""
        found, start_after = [], 0
        while True:
            resp = self.client._call("Training/Jobs", self._stub.Jobs, tq.QueryJobsRequest(
                host=host, status=status, start_after=start_after, limit=PAGE))
            found.extend(resp.jobs)
            if not resp.next or not resp.jobs:
                return found
            start_after = resp.next

    def active_jobs(self) -> list:
        """TRAINING and VERIFYING jobs, ascending id."""
        jobs = self.jobs(status=tpb.TRAINING_JOB_STATUS_TRAINING) + self.jobs(status=tpb.TRAINING_JOB_STATUS_VERIFYING)
        return sorted(jobs, key=lambda j: j.id)
