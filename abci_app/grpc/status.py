"""Aborting an RPC with a bounded message, for sync handlers and for async (grpc.aio) ones.

Every message may echo client input; it is cut with `chain.query.truncate_message` so a huge
input never makes the status details exceed what gRPC trailers carry.
"""

from __future__ import annotations

import grpc

from chain.query import truncate_message


def abort(context, code: grpc.StatusCode, message: str):
    """Abort a sync handler's RPC (raises)."""
    context.abort(code, truncate_message(message))


async def abort_async(context, code: grpc.StatusCode, message: str):
    """Abort an async handler's RPC (raises)."""
    await context.abort(code, truncate_message(message))
