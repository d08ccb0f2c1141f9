"""Host.endpoint form: `host:port`, checked by pure string rules (consensus code: no DNS, no I/O).

    host  = DNS name (labels of [A-Za-z0-9_-], 1..63 chars, not starting or ending with '-';
            253 chars at most) | dotted IPv4 (four 0..255 parts, no leading zeros) | "[" IPv6 "]"
    port  = 1..65535 in decimal, no sign, no leading zeros

No scheme, path, user info, zone id or whitespace. A host name that is a gRPC target scheme
(`unix`, `dns`, ...) is refused, since `unix:80` would dial a unix socket. The empty endpoint is
allowed (a host that serves no gRPC to others). Nodes dial only endpoints that pass this check.
"""

from __future__ import annotations

import ipaddress
import re

MAX_ENDPOINT_LENGTH = 256
MAX_DNS_NAME_LENGTH = 253
_LABEL_RE = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")
_IPV4_PART_RE = re.compile(r"0|[1-9][0-9]{0,2}")
_PORT_RE = re.compile(r"[1-9][0-9]{0,4}")
_IPV6_CHARS_RE = re.compile(r"[0-9A-Fa-f:.]+")
_GRPC_SCHEMES = ("dns", "ipv4", "ipv6", "unix", "unix-abstract", "vsock", "xds", "google-c2p")


def endpoint_error(endpoint: str) -> str | None:
    """Why `endpoint` is not a valid `host:port`, as one line starting with "endpoint" (None when
    it is valid or empty)."""
    if endpoint == "":
        return None
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return f"endpoint longer than {MAX_ENDPOINT_LENGTH} characters"
    problem = _form_error(endpoint)
    return f"endpoint {endpoint[:80]!r} is invalid: {problem}" if problem else None


def _form_error(endpoint: str) -> str | None:
    host, sep, port = endpoint.rpartition(":")
    if not sep or not host:
        return "expected host:port, e.g. node-1.example:9090"
    if not _PORT_RE.fullmatch(port) or int(port) > 65535:
        return f"port {port[:20]!r} is not a number in 1..65535 (expected host:port, no scheme or path)"
    if host.startswith("["):
        inner = host[1:-1] if host.endswith("]") else ""
        return None if _is_ipv6(inner) else f"host {host[:80]!r} is not a bracketed IPv6 address"
    if all(c.isdigit() or c == "." for c in host):
        return None if _is_ipv4(host) else f"host {host!r} is not a valid IPv4 address"
    if host.lower() in _GRPC_SCHEMES:
        return f"host {host!r} is a gRPC target scheme, not a host name"
    if len(host) > MAX_DNS_NAME_LENGTH or not all(_LABEL_RE.fullmatch(label) for label in host.split(".")):
        return "the host is not a DNS name, IPv4 or [IPv6] address (expected host:port; no scheme, path or spaces)"
    return None


def _is_ipv4(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(_IPV4_PART_RE.fullmatch(p) and int(p) <= 255 for p in parts)


def _is_ipv6(text: str) -> bool:
    # The character check first: ipaddress accepts zone ids ("%eth0") that we never want to dial.
    if not _IPV6_CHARS_RE.fullmatch(text):
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def is_valid_endpoint(endpoint: str) -> bool:
    """True for "" or a valid `host:port`."""
    return endpoint_error(endpoint) is None
