"""Sliding-window softmax attention on original token positions (the local branch of GLGA).

Query i attends to every key j present in the sequence with |pos_j - pos_i| <= radius, where pos is
the token's raster index in the *dense* grid. With tokens dropped the sequence holds only the kept
tokens (positions sorted ascending) and the window simply contains fewer keys (paper Eq. 6).

The reference is blocked: queries are cut into blocks of `block_q` consecutive tokens and each block
reads one contiguous span of `block_q + 2 * radius` keys. That span always suffices: a block covers
the positions [p0, p1] of its own queries, and at most `radius` kept tokens can lie in
[p0 - radius, p0) and in (p1, p1 + radius] each, because positions are distinct integers. So time
and memory are O(N * (block_q + 2 * radius)) = O(N * W), and no N x N matrix is ever built.
"""
import functools
import math

import jax
import jax.numpy as jnp

# Position given to padding tokens: far from every real position, so they never enter a window.
_PAD_POSITION = 2**30
_MASKED = -1e30


def window_radius(window_tokens: int) -> int:
  """Radius of a centred window of `window_tokens` tokens (m * H' * W' in the paper)."""
  return window_tokens // 2


@functools.partial(jax.jit, static_argnames=("radius", "block_q"))
def window_attention_reference(q, k, v, positions, *, radius: int, block_q: int = 128):
  """Blocked pure-jnp window attention.

  Args:
    q, k, v: (B, N, heads, head_dim).
    positions: (B, N) int32 original raster positions, strictly increasing along N.
    radius: keys with |pos_j - pos_i| <= radius are attended.
    block_q: queries per block (any N works; the tail block is padded).
  Returns: (B, N, heads, head_dim) in q's dtype; softmax statistics are computed in float32.
  """
  B, N, H, D = q.shape
  bq = min(block_q, N)
  n_blocks = math.ceil(N / bq)
  n_pad = n_blocks * bq
  span = min(bq + 2 * radius, n_pad)

  pad = ((0, 0), (0, n_pad - N), (0, 0), (0, 0))
  q_p, k_p, v_p = (jnp.pad(a, pad) for a in (q, k, v))
  pos = jnp.pad(positions.astype(jnp.int32), ((0, 0), (0, n_pad - N)), constant_values=_PAD_POSITION)

  # First key of each block's span: the first position >= (first query position - radius).
  first_query_pos = pos[:, ::bq]                                            # (B, nb)
  start = jax.vmap(jnp.searchsorted)(pos, first_query_pos - radius)        # (B, nb)
  start = jnp.clip(start, 0, n_pad - span)
  key_index = start[..., None] + jnp.arange(span)                           # (B, nb, span)

  take = jax.vmap(lambda a, idx: a[idx])                                   # per-sample gather
  k_blk, v_blk = take(k_p, key_index), take(v_p, key_index)               # (B, nb, span, H, D)
  key_pos = take(pos, key_index)                                          # (B, nb, span)
  q_blk = q_p.reshape(B, n_blocks, bq, H, D)
  query_pos = pos.reshape(B, n_blocks, bq)

  scores = jnp.einsum("bnqhd,bnkhd->bnhqk", q_blk, k_blk,
                      preferred_element_type=jnp.float32) / math.sqrt(D)
  inside = jnp.abs(query_pos[..., :, None] - key_pos[..., None, :]) <= radius   # (B, nb, bq, span)
  scores = jnp.where(inside[:, :, None], scores, _MASKED)
  probs = jax.nn.softmax(scores, axis=-1)
  out = jnp.einsum("bnhqk,bnkhd->bnqhd", probs.astype(v.dtype), v_blk,
                   preferred_element_type=jnp.float32)
  return out.reshape(B, n_pad, H, D)[:, :N].astype(q.dtype)


def window_attention(q, k, v, positions, *, radius: int, impl: str = "reference", **kwargs):
  """Dispatch point shared by every caller; kernels register here behind the same signature."""
  if impl == "reference":
    return window_attention_reference(q, k, v, positions, radius=radius, **kwargs)
  raise ValueError(f"unknown window-attention impl {impl!r}; available: 'reference'.")
