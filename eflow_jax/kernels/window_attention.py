"""Sliding-window softmax attention on original token positions (the local branch of GLGA).

Query i attends to every key j present in the sequence with |pos_j - pos_i| <= radius, where pos is
the token's raster index in the *dense* grid. With tokens dropped the sequence holds only the kept
tokens (positions sorted ascending) and the window simply contains fewer keys (paper Eq. 6).

Queries may be a contiguous run of the keys (`query_offset`): a context shard's own tokens attend
[left halo | own | right halo] keys without computing outputs for the halo (models/context_parallel.py),
so its work and memory scale with its own tokens, not with the halo.

The reference is blocked: queries are cut into blocks of `block_q` consecutive tokens and each block
reads one contiguous span of `block_q + 2 * radius` keys. That span always suffices: a block covers
the positions [p0, p1] of its own queries, the keys in [p0, p1] are those queries (queries are a
contiguous run of the keys), and at most `radius` keys can lie in [p0 - radius, p0) and in
(p1, p1 + radius] each, because positions are distinct integers. So time
and memory are O(N * (block_q + 2 * radius)) = O(N * W), and no N x N matrix is ever built.

`window_attention_pallas` is the flash-style Pallas kernel (GPU Triton backend; `interpret=True` on
CPU) with a `jax.custom_vjp` whose backward is two more kernels. Design:

* Layout: q, k, v stay (B, tokens, heads, head_dim); head_dim is zero-padded to a power of 2 >= 16
  (Triton tile rule; zeros change no dot product), queries and keys are padded to a multiple of
  their tiles and the padding tokens get position 2**30, so they never enter a real token's window.
* Band (block sparsity): positions are sorted, so the keys of query block i form one contiguous
  range [lo_i, hi_i) = searchsorted(pos, first_pos_i - radius), searchsorted(pos, last_pos_i +
  radius, 'right'). The wrapper computes it in O(N log N) from the positions (with dropped tokens
  this range holds only the kept keys in the window, i.e. it shrinks with the keep ratio) and the
  kernel loops over key tiles lo_i // block_k .. ceil(hi_i / block_k) only. The same search over key
  tiles gives each key tile's range of query tiles for the dK/dV kernel.
* Forward, grid (query tiles, B, heads): online softmax with running max m, sum l and an f32
  accumulator; inside a tile the exact mask |pos_q - pos_k| <= radius; writes o and the f32
  log-sum-exp per query.
* Backward (FlashAttention-2 scheme): delta = rowsum(dO * O) in jnp; a dQ kernel over the same grid
  and band as the forward; a dK/dV kernel, grid (key tiles, B, heads), looping over its query-tile
  band. P is recomputed from q, k and the saved log-sum-exp, so residuals are q, k, v, o, lse:
  O(N * head_dim) memory, no (N x W) buffer either.
* Backends: impl='auto' picks it on GPU only; on TPU 'auto' is the reference (no Mosaic variant).
  Status: exact against the reference in interpret mode on CPU and compiled on an H100
  (tests/test_kernels_window.py; timings in docs/gpu_results/); the query_offset form (fewer
  queries than keys) is checked in interpret mode and lowered to Triton, not yet run on a GPU.
  float32 dots follow jax_default_matmul_precision like XLA's: TF32 on Ampere+ by default, exact
  IEEE with 'highest'.
"""
import dataclasses
import functools
import math
import numbers

import jax
import jax.numpy as jnp
from jax import lax
from jax.experimental import pallas as pl
from jax.experimental.pallas import triton as plgpu

from eflow_jax.kernels import pallas_common as pc
from eflow_jax.kernels.window_tiles import (MASKED, MAX_POSITION, PAD_POSITION, tile_bands,
                                            window_tile_dkv, window_tile_dq, window_tile_forward)


def window_radius(window_tokens: int) -> int:
  """Radius of a centred window of `window_tokens` tokens (m * H' * W' in the paper)."""
  return window_tokens // 2


def _query_positions(positions, query_offset: int, n_queries: int):
  return positions[:, query_offset:query_offset + n_queries].astype(jnp.int32)


@functools.partial(jax.jit, static_argnames=("radius", "block_q", "query_offset"))
def window_attention_reference(q, k, v, positions, *, radius: int, block_q: int = 128,
                               query_offset: int = 0):
  """Blocked pure-jnp window attention.

  Args:
    q: (B, N, heads, head_dim) queries: the keys [query_offset, query_offset + N).
    k, v: (B, M, heads, head_dim), M >= query_offset + N (M = N for self-attention).
    positions: (B, M) int32 original raster positions of the keys, strictly increasing along M.
    radius: keys with |pos_j - pos_i| <= radius are attended.
    block_q: queries per block (any N works; the tail block is padded).
  Returns: (B, N, heads, head_dim) in q's dtype; softmax statistics are computed in float32.
  """
  B, N, H, D = q.shape
  M = k.shape[1]
  bq = min(block_q, N)
  n_blocks = math.ceil(N / bq)
  n_pad = n_blocks * bq
  span = min(bq + 2 * radius, M)

  q_p = jnp.pad(q, ((0, 0), (0, n_pad - N), (0, 0), (0, 0)))
  key_positions = positions.astype(jnp.int32)
  query_positions = pc.pad_axis(_query_positions(positions, query_offset, N), 1, n_pad, PAD_POSITION)

  # First key of each block's span: the first key position >= (first query position - radius).
  first_query_pos = query_positions[:, ::bq]                                # (B, nb)
  start = jax.vmap(jnp.searchsorted)(key_positions, first_query_pos - radius)   # (B, nb)
  start = jnp.clip(start, 0, M - span)
  key_index = start[..., None] + jnp.arange(span)                           # (B, nb, span)

  take = jax.vmap(lambda a, idx: a[idx])                                   # per-sample gather
  k_blk, v_blk = take(k, key_index), take(v, key_index)                   # (B, nb, span, H, D)
  key_pos = take(key_positions, key_index)                                # (B, nb, span)
  # 1/sqrt(D) is applied to q and the softmax's division to the output: both then touch N x D
  # values instead of the N x span scores, the largest tensors here (on a CPU train step the
  # elementwise work on them, not the two einsums, is what this function costs).
  q_blk = (q_p * jnp.asarray(1.0 / math.sqrt(D), q.dtype)).reshape(B, n_blocks, bq, H, D)
  query_pos = query_positions.reshape(B, n_blocks, bq)

  scores = jnp.einsum("bnqhd,bnkhd->bnhqk", q_blk, k_blk, preferred_element_type=jnp.float32)
  inside = jnp.abs(query_pos[..., :, None] - key_pos[..., None, :]) <= radius   # (B, nb, bq, span)
  scores = jnp.where(inside[:, :, None], scores, MASKED)
  weights = jnp.exp(scores - lax.stop_gradient(jnp.max(scores, axis=-1, keepdims=True)))
  total = jnp.sum(weights, axis=-1)                                         # (B, nb, H, bq), >= 1
  out = jnp.einsum("bnhqk,bnkhd->bnqhd", weights.astype(v.dtype), v_blk,
                   preferred_element_type=jnp.float32)
  out = out / jnp.swapaxes(total, 2, 3)[..., None]
  return out.reshape(B, n_pad, H, D)[:, :N].astype(q.dtype)


# ----------------------------------------------------------------------------------------------
# Pallas kernel (GPU Triton backend; interpret mode on CPU). Tile bodies: window_tiles.py.
# ----------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Tiling:
  block_q: int
  block_k: int
  q_pad: int                # queries padded to a multiple of block_q
  k_pad: int                # keys padded to a multiple of block_k
  head_dim_pad: int
  query_offset: int
  num_warps: int
  num_stages: int
  interpret: bool

  def compiler_params(self):
    return plgpu.CompilerParams(num_warps=self.num_warps, num_stages=self.num_stages)


def _tiling(q, k, query_offset, block_q, block_k, interpret, num_warps, num_stages) -> _Tiling:
  N, M, D = q.shape[1], k.shape[1], q.shape[3]
  bq = pc.tile_size(block_q, N, "block_q")
  bk = pc.tile_size(block_k, M, "block_k")
  return _Tiling(bq, bk, math.ceil(N / bq) * bq, math.ceil(M / bk) * bk,
                 pc.padded_head_dim(D, "window-attention"), query_offset, num_warps, num_stages,
                 pc.default_interpret(interpret))


def _pad_tokens(x, size: int, t: _Tiling):
  """(B, n, H, D) -> (B, size, H, head_dim_pad), zero padded."""
  return pc.pad_axis(pc.pad_axis(x, 1, size), 3, t.head_dim_pad)


def _padded_positions(positions, n_queries: int, t: _Tiling):
  """(query positions (B, q_pad), key positions (B, k_pad)); padding gets PAD_POSITION."""
  qpos = _query_positions(positions, t.query_offset, n_queries)
  return (pc.pad_axis(qpos, 1, t.q_pad, PAD_POSITION),
          pc.pad_axis(positions.astype(jnp.int32), 1, t.k_pad, PAD_POSITION))


def _window_fwd_kernel(band_ref, qpos_ref, kpos_ref, q_ref, k_ref, v_ref, o_ref, lse_ref, *,
                       scale: float, radius: int, block_k: int):
  """One (query tile, batch, head): online softmax over the key tiles of the band."""
  out, lse = window_tile_forward(q_ref[...], qpos_ref[...], kpos_ref, k_ref, v_ref, band_ref[0],
                                 band_ref[1], scale=scale, radius=radius, block_k=block_k)
  o_ref[...] = out.astype(o_ref.dtype)
  lse_ref[...] = lse


def _window_dq_kernel(band_ref, qpos_ref, kpos_ref, q_ref, k_ref, v_ref, do_ref, lse_ref,
                      delta_ref, dq_ref, *, scale: float, radius: int, block_k: int):
  """dQ for one (query tile, batch, head), over the same key band as the forward."""
  dq = window_tile_dq(q_ref[...], do_ref[...], qpos_ref[...], lse_ref[...], delta_ref[...],
                      kpos_ref, k_ref, v_ref, band_ref[0], band_ref[1], scale=scale, radius=radius,
                      block_k=block_k)
  dq_ref[...] = dq.astype(dq_ref.dtype)


def _window_dkv_kernel(band_ref, qpos_ref, kpos_ref, q_ref, k_ref, v_ref, do_ref, lse_ref,
                       delta_ref, dk_ref, dv_ref, *, scale: float, radius: int, block_q: int):
  """dK, dV for one (key tile, batch, head), over the query tiles whose window reaches it."""
  dk, dv = window_tile_dkv(k_ref[...], v_ref[...], kpos_ref[...], qpos_ref, q_ref, do_ref, lse_ref,
                           delta_ref, band_ref[0], band_ref[1], scale=scale, radius=radius,
                           block_q=block_q)
  dk_ref[...] = dk.astype(dk_ref.dtype)
  dv_ref[...] = dv.astype(dv_ref.dtype)


def _specs(t: _Tiling):
  """BlockSpecs over a (row tile, B, H) grid: tiles of rows, whole query / key sequences."""
  dp = t.head_dim_pad
  return dict(
      q_tile=pl.BlockSpec((None, t.block_q, None, dp), lambda i, b, h: (b, i, h, 0)),
      k_tile=pl.BlockSpec((None, t.block_k, None, dp), lambda i, b, h: (b, i, h, 0)),
      all_q=pl.BlockSpec((None, t.q_pad, None, dp), lambda i, b, h: (b, 0, h, 0)),
      all_k=pl.BlockSpec((None, t.k_pad, None, dp), lambda i, b, h: (b, 0, h, 0)),
      q_tile_pos=pl.BlockSpec((None, t.block_q), lambda i, b, h: (b, i)),
      k_tile_pos=pl.BlockSpec((None, t.block_k), lambda i, b, h: (b, i)),
      all_q_pos=pl.BlockSpec((None, t.q_pad), lambda i, b, h: (b, 0)),
      all_k_pos=pl.BlockSpec((None, t.k_pad), lambda i, b, h: (b, 0)),
      q_tile_row=pl.BlockSpec((None, None, t.block_q), lambda i, b, h: (b, h, i)),
      all_q_row=pl.BlockSpec((None, None, t.q_pad), lambda i, b, h: (b, h, 0)),
      band=pl.BlockSpec((None, None, 2), lambda i, b, h: (b, i, 0)))


def _window_forward(q, k, v, positions, radius: int, t: _Tiling):
  B, N, H, D = q.shape
  qpos, kpos = _padded_positions(positions, N, t)
  qp = _pad_tokens(q, t.q_pad, t)
  kp, vp = (_pad_tokens(a, t.k_pad, t) for a in (k, v))
  s = _specs(t)
  out, lse = pl.pallas_call(
      functools.partial(_window_fwd_kernel, scale=1.0 / math.sqrt(D), radius=radius,
                        block_k=t.block_k),
      grid=(t.q_pad // t.block_q, B, H),
      in_specs=[s["band"], s["q_tile_pos"], s["all_k_pos"], s["q_tile"], s["all_k"], s["all_k"]],
      out_specs=[s["q_tile"], s["q_tile_row"]],
      out_shape=[jax.ShapeDtypeStruct(qp.shape, q.dtype),
                 jax.ShapeDtypeStruct((B, H, t.q_pad), jnp.float32)],
      compiler_params=t.compiler_params(),
      interpret=t.interpret,
      name="window_attention_fwd",
  )(tile_bands(qpos, kpos, radius, t.block_q, t.block_k), qpos, kpos, qp, kp, vp)
  return out[:, :N, :, :D], lse


def _window_backward(q, k, v, positions, out, lse, do, radius: int, t: _Tiling):
  B, N, H, D = q.shape
  M = k.shape[1]
  qpos, kpos = _padded_positions(positions, N, t)
  qp, dop = (_pad_tokens(a, t.q_pad, t) for a in (q, do))
  kp, vp = (_pad_tokens(a, t.k_pad, t) for a in (k, v))
  delta = jnp.einsum("bnhd,bnhd->bhn", out.astype(jnp.float32), do.astype(jnp.float32))
  delta = pc.pad_axis(delta, 2, t.q_pad)                              # (B, H, q_pad)
  scale = 1.0 / math.sqrt(D)
  s = _specs(t)
  dq = pl.pallas_call(
      functools.partial(_window_dq_kernel, scale=scale, radius=radius, block_k=t.block_k),
      grid=(t.q_pad // t.block_q, B, H),
      in_specs=[s["band"], s["q_tile_pos"], s["all_k_pos"], s["q_tile"], s["all_k"], s["all_k"],
                s["q_tile"], s["q_tile_row"], s["q_tile_row"]],
      out_specs=s["q_tile"],
      out_shape=jax.ShapeDtypeStruct(qp.shape, q.dtype),
      compiler_params=t.compiler_params(),
      interpret=t.interpret,
      name="window_attention_dq",
  )(tile_bands(qpos, kpos, radius, t.block_q, t.block_k), qpos, kpos, qp, kp, vp, dop, lse, delta)

  dk, dv = pl.pallas_call(
      functools.partial(_window_dkv_kernel, scale=scale, radius=radius, block_q=t.block_q),
      grid=(t.k_pad // t.block_k, B, H),
      in_specs=[s["band"], s["all_q_pos"], s["k_tile_pos"], s["all_q"], s["k_tile"], s["k_tile"],
                s["all_q"], s["all_q_row"], s["all_q_row"]],
      out_specs=[s["k_tile"], s["k_tile"]],
      out_shape=[jax.ShapeDtypeStruct(kp.shape, k.dtype), jax.ShapeDtypeStruct(vp.shape, v.dtype)],
      compiler_params=t.compiler_params(),
      interpret=t.interpret,
      name="window_attention_dkv",
  )(tile_bands(kpos, qpos, radius, t.block_k, t.block_q), qpos, kpos, qp, kp, vp, dop, lse, delta)
  return dq[:, :N, :, :D], dk[:, :M, :, :D], dv[:, :M, :, :D]


@functools.partial(jax.custom_vjp, nondiff_argnums=(4, 5))
def _window_pallas(q, k, v, positions, radius, tiling):
  return _window_forward(q, k, v, positions, radius, tiling)[0]


def _window_pallas_fwd(q, k, v, positions, radius, tiling):
  out, lse = _window_forward(q, k, v, positions, radius, tiling)
  return out, (q, k, v, positions, out, lse)


def _window_pallas_bwd(radius, tiling, residuals, do):
  q, k, v, positions, out, lse = residuals
  dq, dk, dv = _window_backward(q, k, v, positions, out, lse, do, radius, tiling)
  return dq, dk, dv, None                                             # positions: integer, no grad


_window_pallas.defvjp(_window_pallas_fwd, _window_pallas_bwd)


def check_window_inputs(q, k, v, positions, radius, query_offset: int = 0):
  """One-line errors for arguments the window kernels cannot take (before tracing them)."""
  if not (q.ndim == 4 and k.ndim == 4 and k.shape == v.shape and q.shape[0] == k.shape[0]
          and q.shape[2:] == k.shape[2:]):
    raise ValueError(f"window attention wants q (B, N, heads, head_dim) and k, v (B, M, heads, "
                     f"head_dim), got {q.shape}, {k.shape}, {v.shape}.")
  if not (isinstance(query_offset, numbers.Integral) and query_offset >= 0
          and query_offset + q.shape[1] <= k.shape[1]):
    raise ValueError(f"the queries must be keys [query_offset, query_offset + N): query_offset="
                     f"{query_offset!r} with N={q.shape[1]} queries does not fit {k.shape[1]} keys.")
  if positions.shape != k.shape[:2]:
    raise ValueError(f"positions must have the keys' shape (B, M) = {k.shape[:2]}, got {positions.shape}.")
  if not jnp.issubdtype(positions.dtype, jnp.integer):
    raise ValueError(f"positions must be an integer array (int32 raster indices), got "
                     f"{positions.dtype}; pass positions.astype(jnp.int32).")
  if not (isinstance(radius, numbers.Integral) and 0 <= radius < MAX_POSITION):
    raise ValueError(f"radius must be a python int in [0, 2**29), got {radius!r}.")


@functools.partial(jax.jit, static_argnames=("radius", "query_offset", "block_q", "block_k",
                                             "interpret", "num_warps", "num_stages"))
def window_attention_pallas(q, k, v, positions, *, radius: int, query_offset: int = 0,
                            block_q: int = 64, block_k: int = 64, interpret=None,
                            num_warps: int = 4, num_stages: int = 2):
  """Pallas window attention, same contract as `window_attention_reference` plus tile sizes.

  block_q, block_k: query / key tile sizes, powers of 2 >= 16 (clamped to the sequence).
  The default tiling (64 x 64, 4 warps, 2 stages) was the fastest forward+backward of the 15 tried
  on an H200 at 480p, bf16, head dim 128: 1.18-1.20x over the earlier 128 x 64 / 8 warps
  (benchmarks/dev/kernel_tuning.py; docs/gpu_results/README.md).
  interpret: None -> True unless on a GPU. Positions must lie in [0, 2**29).
  Differentiable in q, k, v through a custom VJP (Pallas dQ and dK/dV kernels).
  """
  check_window_inputs(q, k, v, positions, radius, query_offset)
  for a, name in ((q, "q"), (k, "k"), (v, "v")):
    pc.check_dtype(a, f"window-attention ({name})")
  tiling = _tiling(q, k, int(query_offset), block_q, block_k, interpret, num_warps, num_stages)
  return _window_pallas(q, k, v, positions.astype(jnp.int32), int(radius), tiling)


def window_attention(q, k, v, positions, *, radius: int, impl: str = "reference",
                     query_offset: int = 0, **kwargs):
  """Dispatch point shared by every caller; kernels register here behind the same signature.

  impl: 'reference' (blocked jnp), 'pallas' (`window_attention_pallas`; interpret mode on CPU) or
  'auto' (pallas on GPU; the reference on CPU and on TPU, for which no Mosaic variant is written).
  query_offset: the queries are keys [query_offset, query_offset + N) (0 and N = M: self-attention).
  kwargs: block_q for both; block_k, interpret, num_warps, num_stages for pallas only.
  """
  impl = pc.resolve_impl(impl, "window-attention")
  check_window_inputs(q, k, v, positions, radius, query_offset)
  if impl == "reference":
    kwargs = {name: value for name, value in kwargs.items() if name == "block_q"}
    return window_attention_reference(q, k, v, positions, radius=radius, query_offset=query_offset,
                                      **kwargs)
  return window_attention_pallas(q, k, v, positions, radius=radius, query_offset=query_offset, **kwargs)
