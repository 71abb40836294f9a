"""The per-tile bodies of the window-attention Pallas kernels, shared by window_attention.py and
the fused GLGA kernels (glga_fused.py).

A row tile (queries, or keys for dK/dV) loops over the column tiles of its band: the contiguous range
of tiles holding every partner within `radius` raster positions (`tile_bands`). Rows and columns may
be different token sets with their own sorted positions, e.g. a context shard's own queries against
[left halo | own | right halo] keys (models/context_parallel.py).
"""
import functools

import jax
import jax.numpy as jnp
from jax import lax
from jax.experimental import pallas as pl
from jax.experimental.pallas import triton as plgpu

# Position given to padding tokens: far from every real position, so they never enter a window.
PAD_POSITION = 2**30
# Positions (and radius) must stay below this so that position +- radius never overflows int32.
MAX_POSITION = 2**29
MASKED = -1e30


def tile_bands(row_pos, col_pos, radius: int, tile_rows: int, tile_cols: int):
  """(B, n_rows // tile_rows, 2) int32: for every tile of `tile_rows` consecutive row tokens, the
  [first, stop) indices of the `tile_cols`-sized column tiles holding every column token within
  `radius` of it.

  Both position arrays are sorted per sample, so the partners of a tile form one contiguous index
  range, found by two binary searches on the tile's first and last position.
  """
  first, last = row_pos[:, ::tile_rows], row_pos[:, tile_rows - 1::tile_rows]
  lo = jax.vmap(functools.partial(jnp.searchsorted, side="left"))(col_pos, first - radius)
  hi = jax.vmap(functools.partial(jnp.searchsorted, side="right"))(col_pos, last + radius)
  return jnp.stack([lo // tile_cols, (hi + tile_cols - 1) // tile_cols], axis=-1).astype(jnp.int32)


def in_window(pos_rows, pos_cols, radius):
  return jnp.abs(pos_rows[:, None] - pos_cols[None, :]) <= radius


def window_tile_forward(q, qpos, kpos_ref, k_ref, v_ref, lo, hi, *, scale: float, radius: int,
                        block_k: int):
  """Online softmax of one query tile q (bq, Dp) over the key tiles [lo, hi) of its band.

  Returns the normalised output (bq, Dp) f32 and the log-sum-exp (bq,) f32.
  """
  block_q, head_dim = q.shape

  def body(t, carry):
    acc, m, l = carry
    ks = pl.ds(pl.multiple_of(t * block_k, block_k), block_k)
    k, v = k_ref[ks, :], v_ref[ks, :]
    inside = in_window(qpos, kpos_ref[ks], radius)                   # (bq, bk)
    s = jnp.where(inside, plgpu.dot(q, k, trans_b=True) * scale, MASKED)
    m_new = jnp.maximum(m, jnp.max(s, axis=1))
    p = jnp.where(inside, jnp.exp(s - m_new[:, None]), 0.0)
    alpha = jnp.exp(m - m_new)
    l = alpha * l + jnp.sum(p, axis=1)
    acc = alpha[:, None] * acc + plgpu.dot(p.astype(v.dtype), v)
    return acc, m_new, l

  init = (jnp.zeros((block_q, head_dim), jnp.float32),
          jnp.full((block_q,), MASKED, jnp.float32),
          jnp.zeros((block_q,), jnp.float32))
  acc, m, l = lax.fori_loop(lo, hi, body, init)
  l = jnp.where(l > 0.0, l, 1.0)        # only padding rows can be empty; keeps them finite
  return acc / l[:, None], m + jnp.log(l)


def window_tile_dq(q, do, qpos, lse, delta, kpos_ref, k_ref, v_ref, lo, hi, *, scale: float,
                   radius: int, block_k: int):
  """dQ (bq, Dp) f32 of one query tile over the key tiles [lo, hi) of its band (FA-2 scheme)."""
  def body(t, dq):
    ks = pl.ds(pl.multiple_of(t * block_k, block_k), block_k)
    k, v = k_ref[ks, :], v_ref[ks, :]
    inside = in_window(qpos, kpos_ref[ks], radius)
    s = jnp.where(inside, plgpu.dot(q, k, trans_b=True) * scale, MASKED)
    p = jnp.where(inside, jnp.exp(s - lse[:, None]), 0.0)
    ds = p * (plgpu.dot(do, v, trans_b=True) - delta[:, None])
    return dq + plgpu.dot(ds.astype(k.dtype), k)

  return lax.fori_loop(lo, hi, body, jnp.zeros(q.shape, jnp.float32)) * scale


def window_tile_dkv(k, v, kpos, qpos_ref, q_ref, do_ref, lse_ref, delta_ref, lo, hi, *,
                    scale: float, radius: int, block_q: int):
  """dK, dV (bk, Dp) f32 of one key tile over the query tiles [lo, hi) whose window reaches it."""
  def body(t, carry):
    dk, dv = carry
    qs = pl.ds(pl.multiple_of(t * block_q, block_q), block_q)
    q, do = q_ref[qs, :], do_ref[qs, :]
    lse, delta = lse_ref[qs], delta_ref[qs]
    inside = in_window(qpos_ref[qs], kpos, radius)                   # (bq, bk)
    s = jnp.where(inside, plgpu.dot(q, k, trans_b=True) * scale, MASKED)
    p = jnp.where(inside, jnp.exp(s - lse[:, None]), 0.0)
    dv = dv + plgpu.dot(p.astype(do.dtype), do, trans_a=True)
    ds = p * (plgpu.dot(do, v, trans_b=True) - delta[:, None])
    dk = dk + plgpu.dot(ds.astype(q.dtype), q, trans_a=True)
    return dk, dv

  zeros = jnp.zeros(k.shape, jnp.float32)
  dk, dv = lax.fori_loop(lo, hi, body, (zeros, zeros))
  return dk * scale, dv
