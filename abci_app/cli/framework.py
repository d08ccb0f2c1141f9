"""The two shapes of a module command, written once.

A query command is `func(client, **params) -> (data, text_lines | None)`; `query_command` adds
--node/--home/--output, checks the address parameters, opens the client (one-line errors), turns a
None result or a NOT_FOUND answer into the command's not-found sentence and prints JSON or text:

    @query_command(hosts_query, "host", addresses={"address": "address"},
                   not_found="no host is registered for {address} (...)")
    @click.argument("address")
    def host_query_cmd(client, address):
        ...

A tx command is `func(ctx, **params) -> messages_for | (messages_for, finish)`; `tx_command` adds
--from (when `from_help` is given) and the usual tx options, then runs the shared flow
(build msg -> plan gas/fees -> confirm -> sign -> broadcast -> --wait -> print), see txflow.run_tx.
Messages are packed with `pack`, whose type URL comes from the message's descriptor.
"""

from __future__ import annotations

import contextlib
import importlib
from dataclasses import dataclass

import click
import grpc

from abci_app.cli.common import CliError, emit, home_option, output_option
from abci_app.cli.nodes import check_address, node_client, node_errors, node_option, resolve_node
from abci_app.cli.txargs import from_option, tx_options
from abci_app.cli.txflow import run_tx
from abci_app.client import NodeClient, NodeError

TX_OPTION_NAMES = ("node", "chain_id", "fees", "gas", "gas_adjustment", "gas_prices", "memo", "yes", "wait",
                   "wait_timeout", "keyring_backend", "home", "output")


def type_url(message) -> str:
    """The Any type URL of a protobuf message: "/" + its full name."""
    return "/" + message.DESCRIPTOR.full_name


def pack(message):
    """`message` in a google.protobuf.Any with its descriptor's type URL."""
    from chain.tx.builder import pack_any

    return pack_any(message, type_url(message))


def call_query(client: NodeClient, method: str, request):
    """Call Query/<method> of the proto package that defines `request` (NodeError on failure)."""
    package = request.DESCRIPTOR.file.package
    stubs = importlib.import_module(type(request).__module__.replace("query_pb2", "query_pb2_grpc"))
    rpc = getattr(stubs.QueryStub(client.channel), method)
    return client._call(f"{package}.Query/{method}", rpc, request)  # noqa: SLF001 - shared error mapping


def proto_dict(message) -> dict:
    """A protobuf message as JSON-ready dict with the proto field names."""
    from google.protobuf import json_format

    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def is_not_found(err: NodeError) -> bool:
    """Whether the node answered NOT_FOUND."""
    return err.code == grpc.StatusCode.NOT_FOUND


def _with_params(command, func, options) -> None:
    """Give `command` the click params of `options` (shown last) after those declared on `func`."""
    for option in options:
        command = option(command)
    command.__click_params__.extend(getattr(func, "__click_params__", []))
    command.__doc__, command.__name__ = func.__doc__, func.__name__


def query_command(group: click.Group, name: str, *, addresses: dict[str, str] | None = None,
                  not_found: str | None = None):
    """Decorator turning `func(client, **params) -> (data, lines) | None` into `sprintd q GROUP NAME`.

    `addresses` maps parameter names to what they are ("host address"): each given one is checked
    before the node is contacted. `not_found` is formatted with the params and `node` (the gRPC
    address) when `func` returns None or the node answers NOT_FOUND.
    """
    def decorate(func):
        def command(node, home, output, **params):
            for param, what in (addresses or {}).items():
                if params.get(param) is not None:
                    check_address(params[param], what)
            with node_errors(), node_client(node, home) as client:
                result = _query_result(func, client, params, not_found)
            data, lines = result
            emit(data, output, lines)

        _with_params(command, func, (output_option, home_option, node_option))
        return group.command(name)(command)

    return decorate


def _query_result(func, client: NodeClient, params: dict, not_found: str | None):
    try:
        result = func(client, **params)
    except NodeError as err:
        if not_found is None or not is_not_found(err):
            raise
        result = None
    if result is None:
        raise CliError((not_found or "not found").format(node=client.address, **params))
    return result


@dataclass
class TxContext:
    """The tx options of one command run, for commands that need the home or the node to build."""

    options: dict
    from_key: str

    def __getattr__(self, name: str):
        try:
            return self.options[name]
        except KeyError:
            raise AttributeError(name) from None

    def node_address(self) -> str:
        """The resolved gRPC host:port of --node / --home."""
        return resolve_node(self.options["node"], self.options["home"])

    @contextlib.contextmanager
    def client(self, node: str | None = None):
        """A NodeClient for --node (or `node`) whose failures are one-line CliErrors."""
        with node_errors(), node_client(node or self.options["node"], self.options["home"]) as client:
            yield client


def tx_command(group: click.Group, name: str, *, from_help: str | None = None, from_param: str = "from_key"):
    """Decorator turning `func(ctx, **params) -> messages_for | (messages_for, finish)` into
    `sprintd tx GROUP NAME`: --from (with `from_help`; else `func` declares `from_param` itself) and the
    tx options are added; `messages_for(signer) -> [Any]` is called once the signer is known."""
    def decorate(func):
        def command(**values):
            options = {key: values.pop(key) for key in TX_OPTION_NAMES}
            from_key = values.pop(from_param)
            built = func(TxContext(options, from_key), **values)
            messages_for, finish = built if isinstance(built, tuple) else (built, None)
            run_tx(from_key=from_key, messages_for=messages_for, finish=finish, **options)

        extra = (tx_options,) if from_help is None else (tx_options, from_option(from_help))
        _with_params(command, func, extra)
        return group.command(name)(command)

    return decorate
