"""The worker's reads of the chain: sprint, hosts and inference queries over the node's gRPC."""

from __future__ import annotations

import grpc
from sprint.hosts.v1 import query_pb2 as hosts_q, query_pb2_grpc as hosts_grpc
from sprint.inference.v1 import query_pb2 as inference_q, query_pb2_grpc as inference_grpc
from sprint.sprint.v1 import query_pb2 as sprint_q, query_pb2_grpc as sprint_grpc

from abci_app.client import NodeClient, NodeError


class ChainView:
    def __init__(self, client: NodeClient):
        self.client = client
        self._sprint = sprint_grpc.QueryStub(client.channel)
        self._hosts = hosts_grpc.QueryStub(client.channel)
        self._inference = inference_grpc.QueryStub(client.channel)

    def _call(self, name, rpc, request, missing_ok: bool = False):
        try:
            return self.client._call(name, rpc, request)
        except NodeError as err:
            if missing_ok and err.code == grpc.StatusCode.NOT_FOUND:
                return None
            raise

    def params(self):
        return self._call("Sprint/Params", self._sprint.Params, sprint_q.QueryParamsRequest()).params

    def epoch(self, number: int | None = None):
        request = sprint_q.QueryEpochRequest() if number is None else sprint_q.QueryEpochRequest(number=number)
        return self._call("Sprint/Epoch", self._sprint.Epoch, request).epoch

    def summary(self, epoch: int, host: str):
        """This host's ProofSummary in `epoch`, or None when it has not taken part."""
        resp = self._call("Sprint/ProofSummary", self._sprint.ProofSummary,
                          sprint_q.QueryProofSummaryRequest(epoch=epoch, host=host), missing_ok=True)
        return resp.summary if resp is not None else None

    def proofs(self, epoch: int, host: str) -> dict[int, int]:
        resp = self._call("Sprint/Proofs", self._sprint.Proofs, sprint_q.QueryProofsRequest(epoch=epoch, host=host))
        return dict(zip(resp.nonces, resp.distances))

    def assignments(self, epoch: int, validator: str) -> list[str]:
        resp = self._call("Sprint/Assignments", self._sprint.Assignments,
                          sprint_q.QueryAssignmentsRequest(epoch=epoch, validator=validator))
        return list(resp.provers)

    def validations(self, epoch: int, host: str):
        resp = self._call("Sprint/Validations", self._sprint.Validations,
                          sprint_q.QueryValidationsRequest(epoch=epoch, host=host))
        return list(resp.validations)

    def host(self, operator: str):
        resp = self._call("Hosts/Host", self._hosts.Host, hosts_q.QueryHostRequest(operator=operator),
                          missing_ok=True)
        return resp.host if resp is not None else None

    def host_of_worker(self, worker_pubkey: bytes):
        """The registered host whose worker key is `worker_pubkey`, or None."""
        for host in self._call("Hosts/Hosts", self._hosts.Hosts, hosts_q.QueryHostsRequest()).hosts:
            if host.worker_pubkey == worker_pubkey:
                return host
        return None

    # ------------------------------------------------------------------ inference

    def inference_params(self):
        return self._call("Inference/Params", self._inference.Params, inference_q.QueryParamsRequest()).params

    def model(self, name: str):
        resp = self._call("Inference/Model", self._inference.Model, inference_q.QueryModelRequest(name=name),
                          missing_ok=True)
        return resp.model if resp is not None else None

    def job(self, job_id: int):
        resp = self._call("Inference/Job", self._inference.Job, inference_q.QueryJobRequest(id=job_id),
                          missing_ok=True)
        return resp.job if resp is not None else None

    def jobs(self, executor: str = "", status: int = 0, audit_epoch: int | None = None,
             page_size: int = 500) -> list:
        """Every job matching the filters, ascending id (all pages)."""
        found, start_after = [], 0
        while True:
            request = inference_q.QueryJobsRequest(executor=executor, status=status, start_after=start_after,
                                                   limit=page_size)
            if audit_epoch is not None:
                request.audit_epoch = audit_epoch
            resp = self._call("Inference/Jobs", self._inference.Jobs, request)
            found.extend(resp.jobs)
            if not resp.next or not resp.jobs:
                return found
            start_after = resp.next

    def audit(self, epoch: int):
        """(EpochAudit, secrets) of `epoch`, or (None, []) before its snapshot exists."""
        resp = self._call("Inference/Audit", self._inference.Audit, inference_q.QueryAuditRequest(epoch=epoch),
                          missing_ok=True)
        if resp is None or not resp.HasField("audit"):
            return None, []
        return resp.audit, list(resp.secrets)
