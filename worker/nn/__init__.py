"""nanoGPT-style building blocks shared by the Sprint PoW model and the inference model.

``config.TransformerConfig`` (the knobs), ``attention.CausalSelfAttention``, ``mlp.MLP``,
``block.Block`` (pre-LN residual block) and ``decoder.Decoder`` (embeddings + blocks + final norm).
Models are built on the meta device and receive their tensors by ``load_state_dict(strict=True,
assign=True)``: weights always come from a seed or a verified blob, never from a random init.
"""
