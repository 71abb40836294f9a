"""Sliding-window softmax attention on original token positions (the local branch of GLGA).

Query i attends to every key j present in the sequence with |pos_j - pos_i| <= radius, where pos is
the token's raster index in the *dense* grid. With tokens dropped the sequence holds only the kept
tokens (positions sorted ascending) and the window simply contains fewer keys (paper Eq. 6).

The reference is blocked: queries are cut into blocks of `block_q` consecutive tokens and each block
reads one contiguous span of `block_q + 2 * radius` keys. That span always suffices: a block covers
the positions [p0, p1] of its own queries, and at most `radius` kept tokens can lie in
[p0 - radius, p0) and in (p1, p1 + radius] each, because positions are distinct integers. So time
and memory are O(N * (block_q + 2 * radius)) = O(N * W), and no N x N matrix is ever built.

`window_attention_pallas` is the flash-style Pallas kernel (GPU Triton backend; `interpret=True` on
CPU) with a `jax.custom_vjp` whose backward is two more kernels. Design:

* Layout: q, k, v stay (B, N, heads, head_dim); head_dim is zero-padded to a power of 2 >= 16
  (Triton tile rule; zeros change no dot product), N is padded to a multiple of the tiles and the
  padding tokens get position 2**30, so they never enter a real token's window.
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
  (tests/test_kernels_window.py; timings in docs/gpu_results/). float32 dots follow
  jax_default_matmul_precision like XLA's: TF32 on Ampere+ by default, exact IEEE with 'highest'.
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
  # 1/sqrt(D) is applied to q and the softmax's division to the output: both then touch N x D
  # values instead of the N x span scores, the largest tensors here (on a CPU train step the
  # elementwise work on them, not the two einsums, is what this function costs).
  q_blk = (q_p * jnp.asarray(1.0 / math.sqrt(D), q.dtype)).reshape(B, n_blocks, bq, H, D)
  query_pos = pos.reshape(B, n_blocks, bq)

  scores = jnp.einsum("bnqhd,bnkhd->bnhqk", q_blk, k_blk, preferred_element_type=jnp.float32)
  inside = jnp.abs(query_pos[..., :, None] - key_pos[..., None, :]) <= radius   # (B, nb, bq, span)
  scores = jnp.where(inside[:, :, None], scores, _MASKED)
  weights = jnp.exp(scores - lax.stop_gradient(jnp.max(scores, axis=-1, keepdims=True)))
  total = jnp.sum(weights, axis=-1)                                         # (B, nb, H, bq), >= 1
  out = jnp.einsum("bnhqk,bnkhd->bnqhd", weights.astype(v.dtype), v_blk,
                   preferred_element_type=jnp.float32)
  out = out / jnp.swapaxes(total, 2, 3)[..., None]
  return out.reshape(B, n_pad, H, D)[:, :N].astype(q.dtype)


# ----------------------------------------------------------------------------------------------
# Pallas kernel (GPU Triton backend; interpret mode on CPU).
# ----------------------------------------------------------------------------------------------

# Positions (and radius) must stay below this so that position +- radius never overflows int32.
MAX_POSITION = 2**29


def _tile_bands(pos, radius: int, tile_rows: int, tile_cols: int):
  """(B, n_pad // tile_rows, 2) int32: for every tile of `tile_rows` consecutive tokens, the
  [first, stop) indices of the `tile_cols`-sized tiles holding every token within `radius` of it.

  pos is sorted per row, so the partners of a tile form one contiguous index range, found by two
  binary searches on the tile's first and last position.
  """
  first, last = pos[:, ::tile_rows], pos[:, tile_rows - 1::tile_rows]
  lo = jax.vmap(functools.partial(jnp.searchsorted, side="left"))(pos, first - radius)
  hi = jax.vmap(functools.partial(jnp.searchsorted, side="right"))(pos, last + radius)
  return jnp.stack([lo // tile_cols, (hi + tile_cols - 1) // tile_cols], axis=-1).astype(jnp.int32)


@dataclasses.dataclass(frozen=True)
class _Tiling:
  block_q: int
  block_k: int
  n_pad: int
  head_dim_pad: int
  num_warps: int
  num_stages: int
  interpret: bool

  def compiler_params(self):
    return plgpu.CompilerParams(num_warps=self.num_warps, num_stages=self.num_stages)


def _tiling(q, block_q, block_k, interpret, num_warps, num_stages) -> _Tiling:
  N, D = q.shape[1], q.shape[3]
  bq = pc.tile_size(block_q, N, "block_q")
  bk = pc.tile_size(block_k, N, "block_k")
  dp = pc.padded_head_dim(D, "window-attention")
  n_pad = math.ceil(N / max(bq, bk)) * max(bq, bk)
  return _Tiling(bq, bk, n_pad, dp, num_warps, num_stages, pc.default_interpret(interpret))


def _pad_tokens(x, t: _Tiling):
  """(B, N, H, D) -> (B, n_pad, H, head_dim_pad), zero padded."""
  return pc.pad_axis(pc.pad_axis(x, 1, t.n_pad), 3, t.head_dim_pad)


def _pad_positions(positions, t: _Tiling):
  return pc.pad_axis(positions.astype(jnp.int32), 1, t.n_pad, _PAD_POSITION)


def _in_window(pos_rows, pos_cols, radius):
  return jnp.abs(pos_rows[:, None] - pos_cols[None, :]) <= radius


def window_tile_forward(q, qpos, kpos_ref, k_ref, v_ref, lo, hi, *, scale: float, radius: int,
                        block_k: int):
  """Online softmax of one query tile q (bq, Dp) over the key tiles [lo, hi) of its band.

  Returns the normalised output (bq, Dp) f32 and the log-sum-exp (bq,) f32. Shared by this file's
  forward kernel and the fused GLGA kernel (glga_fused.py).
  """
  block_q, head_dim = q.shape

  def body(t, carry):
    acc, m, l = carry
    ks = pl.ds(pl.multiple_of(t * block_k, block_k), block_k)
    k, v = k_ref[ks, :], v_ref[ks, :]
    inside = _in_window(qpos, kpos_ref[ks], radius)                   # (bq, bk)
    s = jnp.where(inside, plgpu.dot(q, k, trans_b=True) * scale, _MASKED)
    m_new = jnp.maximum(m, jnp.max(s, axis=1))
    p = jnp.where(inside, jnp.exp(s - m_new[:, None]), 0.0)
    alpha = jnp.exp(m - m_new)
    l = alpha * l + jnp.sum(p, axis=1)
    acc = alpha[:, None] * acc + plgpu.dot(p.astype(v.dtype), v)
    return acc, m_new, l

  init = (jnp.zeros((block_q, head_dim), jnp.float32),
          jnp.full((block_q,), _MASKED, jnp.float32),
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
    inside = _in_window(qpos, kpos_ref[ks], radius)
    s = jnp.where(inside, plgpu.dot(q, k, trans_b=True) * scale, _MASKED)
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
    inside = _in_window(qpos_ref[qs], kpos, radius)                   # (bq, bk)
    s = jnp.where(inside, plgpu.dot(q, k, trans_b=True) * scale, _MASKED)
    p = jnp.where(inside, jnp.exp(s - lse[:, None]), 0.0)
    dv = dv + plgpu.dot(p.astype(do.dtype), do, trans_a=True)
    ds = p * (plgpu.dot(do, v, trans_b=True) - delta[:, None])
    dk = dk + plgpu.dot(ds.astype(q.dtype), q, trans_a=True)
    return dk, dv

  zeros = jnp.zeros(k.shape, jnp.float32)
  dk, dv = lax.fori_loop(lo, hi, body, (zeros, zeros))
  return dk * scale, dv


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


def _window_forward(q, k, v, positions, radius: int, t: _Tiling):
  B, N, H, D = q.shape
  pos = _pad_positions(positions, t)
  qp, kp, vp = (_pad_tokens(a, t) for a in (q, k, v))
  band = _tile_bands(pos, radius, t.block_q, t.block_k)               # (B, n_q_tiles, 2)
  dp, n_pad = t.head_dim_pad, t.n_pad
  q_tile = pl.BlockSpec((None, t.block_q, None, dp), lambda i, b, h: (b, i, h, 0))
  whole = pl.BlockSpec((None, n_pad, None, dp), lambda i, b, h: (b, 0, h, 0))
  out, lse = pl.pallas_call(
      functools.partial(_window_fwd_kernel, scale=1.0 / math.sqrt(D), radius=radius,
                        block_k=t.block_k),
      grid=(n_pad // t.block_q, B, H),
      in_specs=[pl.BlockSpec((None, None, 2), lambda i, b, h: (b, i, 0)),
                pl.BlockSpec((None, t.block_q), lambda i, b, h: (b, i)),
                pl.BlockSpec((None, n_pad), lambda i, b, h: (b, 0)),
                q_tile, whole, whole],
      out_specs=[q_tile, pl.BlockSpec((None, None, t.block_q), lambda i, b, h: (b, h, i))],
      out_shape=[jax.ShapeDtypeStruct(qp.shape, q.dtype),
                 jax.ShapeDtypeStruct((B, H, n_pad), jnp.float32)],
      compiler_params=t.compiler_params(),
      interpret=t.interpret,
      name="window_attention_fwd",
  )(band, pos, pos, qp, kp, vp)
  return out[:, :N, :, :D], lse


def _window_backward(q, k, v, positions, out, lse, do, radius: int, t: _Tiling):
  B, N, H, D = q.shape
  pos = _pad_positions(positions, t)
  qp, kp, vp, dop = (_pad_tokens(a, t) for a in (q, k, v, do))
  delta = jnp.einsum("bnhd,bnhd->bhn", out.astype(jnp.float32), do.astype(jnp.float32))
  delta = pc.pad_axis(delta, 2, t.n_pad)                              # (B, H, n_pad)
  dp, n_pad, bq, bk = t.head_dim_pad, t.n_pad, t.block_q, t.block_k
  scale = 1.0 / math.sqrt(D)
  whole = pl.BlockSpec((None, n_pad, None, dp), lambda i, b, h: (b, 0, h, 0))
  whole_pos = pl.BlockSpec((None, n_pad), lambda i, b, h: (b, 0))
  whole_row = pl.BlockSpec((None, None, n_pad), lambda i, b, h: (b, h, 0))
  band_spec = pl.BlockSpec((None, None, 2), lambda i, b, h: (b, i, 0))

  q_tile = pl.BlockSpec((None, bq, None, dp), lambda i, b, h: (b, i, h, 0))
  q_row = pl.BlockSpec((None, None, bq), lambda i, b, h: (b, h, i))
  dq = pl.pallas_call(
      functools.partial(_window_dq_kernel, scale=scale, radius=radius, block_k=bk),
      grid=(n_pad // bq, B, H),
      in_specs=[band_spec, pl.BlockSpec((None, bq), lambda i, b, h: (b, i)), whole_pos,
                q_tile, whole, whole, q_tile, q_row, q_row],
      out_specs=q_tile,
      out_shape=jax.ShapeDtypeStruct(qp.shape, q.dtype),
      compiler_params=t.compiler_params(),
      interpret=t.interpret,
      name="window_attention_dq",
  )(_tile_bands(pos, radius, bq, bk), pos, pos, qp, kp, vp, dop, lse, delta)

  k_tile = pl.BlockSpec((None, bk, None, dp), lambda i, b, h: (b, i, h, 0))
  dk, dv = pl.pallas_call(
      functools.partial(_window_dkv_kernel, scale=scale, radius=radius, block_q=bq),
      grid=(n_pad // bk, B, H),
      in_specs=[band_spec, whole_pos, pl.BlockSpec((None, bk), lambda i, b, h: (b, i)),
                whole, k_tile, k_tile, whole, whole_row, whole_row],
      out_specs=[k_tile, k_tile],
      out_shape=[jax.ShapeDtypeStruct(kp.shape, k.dtype), jax.ShapeDtypeStruct(vp.shape, v.dtype)],
      compiler_params=t.compiler_params(),
      interpret=t.interpret,
      name="window_attention_dkv",
  )(_tile_bands(pos, radius, bk, bq), pos, pos, qp, kp, vp, dop, lse, delta)
  crop = lambda a: a[:, :N, :, :D]
  return crop(dq), crop(dk), crop(dv)


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


def _check_window_inputs(q, k, v, positions, radius):
  if not (q.ndim == 4 and q.shape == k.shape == v.shape):
    raise ValueError(f"window attention wants q, k, v of one shape (B, N, heads, head_dim), got "
                     f"{q.shape}, {k.shape}, {v.shape}.")
  if positions.shape != q.shape[:2]:
    raise ValueError(f"positions must have shape (B, N) = {q.shape[:2]}, got {positions.shape}.")
  if not jnp.issubdtype(positions.dtype, jnp.integer):
    raise ValueError(f"positions must be an integer array (int32 raster indices), got "
                     f"{positions.dtype}; pass positions.astype(jnp.int32).")
  if not (isinstance(radius, numbers.Integral) and 0 <= radius < MAX_POSITION):
    raise ValueError(f"radius must be a python int in [0, 2**29), got {radius!r}.")


@functools.partial(jax.jit, static_argnames=("radius", "block_q", "block_k", "interpret",
                                             "num_warps", "num_stages"))
def window_attention_pallas(q, k, v, positions, *, radius: int, block_q: int = 64,
                            block_k: int = 64, interpret=None, num_warps: int = 4,
                            num_stages: int = 2):
  """Pallas window attention, same contract as `window_attention_reference` plus tile sizes.

  block_q, block_k: query / key tile sizes, powers of 2 >= 16 (clamped to the sequence).
  The default tiling (64 x 64, 4 warps, 2 stages) was the fastest forward+backward of the 15 tried
  on an H200 at 480p, bf16, head dim 128: 1.18-1.20x over the earlier 128 x 64 / 8 warps
  (benchmarks/dev/kernel_tuning.py; docs/gpu_results/README.md).
  interpret: None -> True unless on a GPU. Positions must lie in [0, 2**29).
  Differentiable in q, k, v through a custom VJP (Pallas dQ and dK/dV kernels).
  """
  _check_window_inputs(q, k, v, positions, radius)
  for a, name in ((q, "q"), (k, "k"), (v, "v")):
    pc.check_dtype(a, f"window-attention ({name})")
  tiling = _tiling(q, block_q, block_k, interpret, num_warps, num_stages)
  return _window_pallas(q, k, v, positions.astype(jnp.int32), int(radius), tiling)


def window_attention(q, k, v, positions, *, radius: int, impl: str = "reference", **kwargs):
  """Dispatch point shared by every caller; kernels register here behind the same signature.

  impl: 'reference' (blocked jnp), 'pallas' (`window_attention_pallas`; interpret mode on CPU) or
  'auto' (pallas on GPU; the reference on CPU and on TPU, for which no Mosaic variant is written).
  kwargs: block_q for both; block_k, interpret, num_warps, num_stages for pallas only.
  """
  impl = pc.resolve_impl(impl, "window-attention")
  _check_window_inputs(q, k, v, positions, radius)
  if impl == "reference":
    kwargs = {name: value for name, value in kwargs.items() if name == "block_q"}
    return window_attention_reference(q, k, v, positions, radius=radius, **kwargs)
  return window_attention_pallas(q, k, v, positions, radius=radius, **kwargs)
