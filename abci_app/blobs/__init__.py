"""The node's content-addressed blob store and its gRPC service (sprint.blobs.v1.Blobs)."""
