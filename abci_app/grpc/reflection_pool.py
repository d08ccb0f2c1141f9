"""Reflection that tells the truth: descriptors listing only the methods this node implements.

The generated Cosmos `.proto` files declare whole services (cosmos.tx.v1beta1.Service has nine
methods); this node serves a subset. `filtered_pool` copies each served service's file and its
transitive dependencies from the default descriptor pool into a separate pool, keeping only the
served services and, in each, only the served methods. The reflection servicer reads that pool, so
`grpcurl list/describe` and explorers see exactly what answers.
"""

from __future__ import annotations

import logging

from google.protobuf import descriptor_pb2, descriptor_pool

log = logging.getLogger("sprint.grpc")


def implemented_methods(servicer, base_class) -> set[str]:
    """Names of the methods `servicer` overrides from its generated base class (the base class's
    own methods answer UNIMPLEMENTED)."""
    names = [name for name in dir(base_class) if not name.startswith("_") and callable(getattr(base_class, name))]
    return {name for name in names if getattr(type(servicer), name, None) is not getattr(base_class, name)}


def all_methods(service_full_name: str) -> set[str]:
    """Every method the default pool's descriptor of `service_full_name` declares."""
    service = descriptor_pool.Default().FindServiceByName(service_full_name)
    return {method.name for method in service.methods}


def _files_in_dependency_order(service_names) -> list:
    default = descriptor_pool.Default()
    ordered, seen = [], set()

    def visit(file_descriptor) -> None:
        if file_descriptor.name in seen:
            return
        seen.add(file_descriptor.name)
        for dependency in file_descriptor.dependencies:
            visit(dependency)
        ordered.append(file_descriptor)

    for name in sorted(service_names):
        try:
            visit(default.FindFileContainingSymbol(name))
        except KeyError:  # no generated module imported for it: it cannot be described
            log.warning("reflection: no descriptor for service %s; it is not listed", name)
    return ordered


def _keep_served(proto: descriptor_pb2.FileDescriptorProto, served: dict[str, set[str]]) -> None:
    prefix = f"{proto.package}." if proto.package else ""
    kept = []
    for service in proto.service:
        methods = served.get(prefix + service.name)
        if methods:
            chosen = [m for m in service.method if m.name in methods]
            del service.method[:]
            service.method.extend(chosen)
            kept.append(service)
    del proto.service[:]
    proto.service.extend(kept)


def filtered_pool(served: dict[str, set[str]]):
    """(pool, file protos in dependency order) describing only `served` (service -> method names);
    a service the default pool does not know is left out (`described_services` tells which remain)."""
    pool = descriptor_pool.DescriptorPool()
    protos = []
    for file_descriptor in _files_in_dependency_order([name for name, methods in served.items() if methods]):
        proto = descriptor_pb2.FileDescriptorProto.FromString(file_descriptor.serialized_pb)
        _keep_served(proto, served)
        pool.AddSerializedFile(proto.SerializeToString())
        protos.append(proto)
    return pool, protos


def described_services(pool, served: dict[str, set[str]]) -> list[str]:
    """The services of `served` that `pool` describes with at least one method, sorted."""
    names = []
    for name in sorted(served):
        try:
            if pool.FindServiceByName(name).methods:
                names.append(name)
        except KeyError:
            pass
    return names
