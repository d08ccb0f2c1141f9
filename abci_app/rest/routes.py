"""The route table: HTTP method + path template -> one gRPC method, derived, never hand-listed.

- Every query in the chain's QueryRouter gets a route. Cosmos services use the HTTP path of their
  proto's `google.api.http` annotation (the SDK's own routes, e.g.
  `/cosmos/bank/v1beta1/balances/{address}`); services without one (our `sprint.*`) get
  `GET /<package with / for .>/<method in snake_case>`, e.g. `sprint.hosts.v1.Query/Hosts` ->
  `/sprint/hosts/v1/hosts`. A query added to the router appears here without any change.
- Node services that are gRPC servicers (cosmos.tx.v1beta1.Service, cosmos.consensus.v1.Query,
  cosmos.base.tendermint.v1beta1.Service) get the annotated route of each method a servicer
  implements (the first servicer given for a service that overrides the generated method).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import unquote

import cosmpy.protos  # noqa: F401
from google.api import annotations_pb2
from google.protobuf import descriptor_pool
from google.protobuf.message_factory import GetMessageClass

_VAR = re.compile(r"\{([a-zA-Z0-9_.]+)(?:=([^}]*))?\}")


@dataclass(frozen=True)
class Route:
    http_method: str  # GET | POST
    template: str  # /cosmos/bank/v1beta1/balances/{address}
    grpc_method: str  # /cosmos.bank.v1beta1.Query/AllBalances
    request_class: type
    body: str  # "" (query string only) or "*" (the JSON body is the request)
    call: Callable  # (request, height | None) -> (response message, height | None)
    pattern: re.Pattern
    fields: tuple[str, ...]  # request field of each path variable, in order

    def match(self, path: str) -> dict[str, list[str]] | None:
        """Path variables as query-style params ({field: [value]}), or None when it does not match."""
        found = self.pattern.fullmatch(path)
        if found is None:
            return None
        return {field: [unquote(value)] for field, value in zip(self.fields, found.groups())}

    def specificity(self) -> tuple[int, int]:
        literal = _VAR.sub("", self.template)
        return (len(literal.split("/")), len(literal))


def compile_template(template: str) -> tuple[re.Pattern, tuple[str, ...]]:
    """A grpc-gateway path template as a regex: `{f}` one segment, `{f=**}` the rest of the path."""
    pattern, fields, pos = "", [], 0
    for var in _VAR.finditer(template):
        pattern += re.escape(template[pos:var.start()])
        spec = var.group(2) or "*"
        pattern += "(.+)" if "**" in spec else "(" + re.escape(spec).replace(r"\*", "[^/]+") + ")"
        fields.append(var.group(1))
        pos = var.end()
    pattern += re.escape(template[pos:])
    return re.compile(pattern), tuple(fields)


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def http_bindings(method_descriptor) -> list[tuple[str, str, str]]:
    """(HTTP method, template, body) of a method's google.api.http annotation and its extra bindings."""
    rule = method_descriptor.GetOptions().Extensions[annotations_pb2.http]
    out = []
    for binding in [rule, *rule.additional_bindings]:
        for verb in ("get", "post"):
            template = getattr(binding, verb)
            if template:
                out.append((verb.upper(), template, binding.body))
    return out


def default_template(service_name: str, method_name: str) -> str:
    package = service_name.rsplit(".", 1)[0]
    return "/" + package.replace(".", "/") + "/" + snake_case(method_name)


def make_route(http_method: str, template: str, method_descriptor, body: str, call: Callable) -> Route:
    pattern, fields = compile_template(template)
    grpc_method = f"/{method_descriptor.containing_service.full_name}/{method_descriptor.name}"
    return Route(http_method, template, grpc_method, GetMessageClass(method_descriptor.input_type), body, call,
                 pattern, fields)


def find_method(grpc_path: str):
    """The MethodDescriptor of "/pkg.Service/Method" from the default descriptor pool."""
    service, method = grpc_path.lstrip("/").rsplit("/", 1)
    return descriptor_pool.Default().FindServiceByName(service).methods_by_name[method]


def routes_for_method(method_descriptor, call: Callable) -> list[Route]:
    """The annotated routes of one method, or its derived GET route when it has none."""
    bindings = http_bindings(method_descriptor)
    if not bindings:
        template = default_template(method_descriptor.containing_service.full_name, method_descriptor.name)
        bindings = [("GET", template, "")]
    return [make_route(verb, template, method_descriptor, body, call) for verb, template, body in bindings]


def implements(servicer, method_name: str) -> bool:
    """True when `servicer` overrides the generated (UNIMPLEMENTED) method."""
    fn = getattr(type(servicer), method_name, None)
    return fn is not None and not fn.__module__.endswith("_pb2_grpc")
