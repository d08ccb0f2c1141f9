"""`sprintd blobs put FILE --from KEY [--chain-id C] | blobs get SHA256 [-o FILE]`: content-addressed
blobs (weights, long prompts and results) on a node's blob service, and the signed put that
`tx inference` uses for long prompts and model weights."""

from __future__ import annotations

from pathlib import Path

import click

from abci_app.cli.common import CliError, emit, home_option, keyring_backend_option, output_option
from abci_app.cli.nodes import node_option, resolve_chain_id, resolve_node


def blob_call(func, *args, **kwargs):
    """Run a blob client call, turning its errors into one-line CliErrors."""
    from abci_app.blobs.client import BlobClientError
    from abci_app.blobs.store import BlobError

    try:
        return func(*args, **kwargs)
    except (BlobClientError, BlobError) as err:
        raise CliError(str(err)) from None


def signed_put(node: str, data: bytes, from_key: str, home: str, keyring_backend: str,
               chain_id: str | None) -> tuple[str, bool]:
    """Put `data` on the node's blob service signed by keyring key `from_key` (the node accepts
    hosts' keys and funded accounts); returns (sha256, created)."""
    from abci_app.blobs.client import put_blob
    from abci_app.keyring import Keyring, KeyringError

    chain = resolve_chain_id(chain_id, home)
    try:
        key = Keyring(home, backend=keyring_backend).signing_key(from_key)
    except KeyringError as err:
        raise CliError(str(err)) from None
    return blob_call(put_blob, node, data, signer=key, chain_id=chain)


@click.group("blobs")
def blobs() -> None:
    """Put and get content-addressed blobs (weights, long prompts/results) on a node."""


@blobs.command("put")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--from", "from_key", required=True, metavar="KEY",
              help="Keyring key (name or address) that signs the upload: a host's key or a funded account.")
@click.option("--chain-id", default=None, help="Chain id the upload is signed for [default: from the node config].")
@keyring_backend_option
@node_option
@home_option
@output_option
def blobs_put_cmd(file: str, from_key: str, chain_id: str | None, keyring_backend: str, node, home: str,
                  output: str) -> None:
    """Upload FILE to the node's blob store, signed by the --from key, and print its sha256. The node
    accepts keys of registered hosts (operator or worker) and accounts holding its minimum balance."""
    from abci_app.blobs.store import DEFAULT_MAX_BLOB_BYTES

    try:
        data = Path(file).read_bytes()
    except OSError as err:
        raise CliError(f"cannot read {file}: {err.strerror or err}") from None
    if len(data) > DEFAULT_MAX_BLOB_BYTES:
        raise CliError(f"{file} is {len(data)} bytes, over the blob limit of {DEFAULT_MAX_BLOB_BYTES} bytes")
    sha256, created = signed_put(resolve_node(node, home), data, from_key, home, keyring_backend, chain_id)
    emit({"sha256": sha256, "size": str(len(data)), "created": created}, output,
         [sha256] + ([] if created else ["(the node already had it)"]))


@blobs.command("get")
@click.argument("sha256")
@click.option("--out", "-o", "out_file", default=None, type=click.Path(dir_okay=False),
              help="Write the blob to FILE [default: standard output].")
@click.option("--local-only", is_flag=True, help="Do not let the node fetch it from other hosts.")
@node_option
@home_option
def blobs_get_cmd(sha256: str, out_file: str | None, local_only: bool, node, home: str) -> None:
    """Download blob SHA256 (verified against its hash)."""
    from abci_app.blobs.client import get_blob
    from abci_app.blobs.store import check_sha256

    name = blob_call(check_sha256, sha256.strip().lower())
    data = blob_call(get_blob, resolve_node(node, home), name, local_only=local_only)
    if out_file is None:
        click.get_binary_stream("stdout").write(data)
        return
    try:
        Path(out_file).write_bytes(data)
    except OSError as err:
        raise CliError(f"cannot write {out_file}: {err.strerror or err}") from None
    click.echo(f"wrote {len(data)} bytes to {out_file}", err=True)



def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `sprintd blobs`."""
    cli.add_command(blobs)
