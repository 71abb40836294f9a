"""Denominator-free linear attention (the global branch of GLGA, paper Eq. 5).

`S = sum_j K_j^T V_j` is one (head_dim x head_dim) summary per head, accumulated in float32, and
every query reads `O_i = Q_i S`. Cost O(N d^2), independent of how many tokens were dropped: the sum
simply runs over the tokens present.

`linear_attention_pallas` is the same computation as two Pallas kernels (GPU Triton backend,
`interpret=True` on CPU) tied by a `jax.custom_vjp`:

* `_outer_sum(a, b)` = sum_n a_n^T b_n per (batch, head), f32: grid (B, heads, splits); each program
  loops over its share of the token tiles with an f32 (d x e) accumulator and writes a partial sum
  (split-K, so that a GPU gets B * heads * splits programs); the partials are added in jnp.
* `_apply(x, M)` = x_n M (or x_n M^T) per (batch, head): grid (token tiles, B, heads).

Forward: S = c * outer_sum(K, V), O = apply(Q, S), with c = 1 or 1/N. Backward (O = Q S is linear
in each factor): dQ = apply(dO, S^T), dS = c * outer_sum(Q, dO), dK = apply(V, dS^T),
dV = apply(K, dS). Residuals are q, k, v and the (heads x d x e) summary: O(N d) memory.
impl='auto' picks the kernels on GPU only (the reference on CPU and TPU). Status: exact against the
reference in interpret mode on CPU and compiled on an H100 (tests/test_kernels_linear.py;
docs/gpu_results/).
"""
import functools
import math

import jax
import jax.numpy as jnp
from jax import lax
from jax.experimental import pallas as pl
from jax.experimental.pallas import triton as plgpu

from eflow_jax.kernels import pallas_common as pc


def linear_attention_reference(q, k, v, *, normalize: str = "sum"):
  """q, k, v: (B, N, heads, head_dim) -> (B, N, heads, head_dim).

  normalize: 'sum' is Eq. 5 as written; 'mean' divides S by N (the RMSNorm that follows the
  branch makes the two equal up to its epsilon, 'mean' only keeps bf16 magnitudes tame).
  """
  # The N-long reduction in float32. Inputs are upcast rather than using preferred_element_type:
  # XLA:CPU has no bf16 x bf16 -> f32 dot (the GPU path is the Pallas kernel anyway).
  summary = jnp.einsum("bnhd,bnhe->bhde", k.astype(jnp.float32), v.astype(jnp.float32))
  if normalize == "mean":
    summary = summary / k.shape[1]
  elif normalize != "sum":
    raise ValueError(f"linear attention normalize must be 'sum' or 'mean', got {normalize!r}.")
  out = jnp.einsum("bnhd,bhde->bnhe", q.astype(jnp.float32), summary)
  return out.astype(q.dtype)


# ----------------------------------------------------------------------------------------------
# Pallas kernels (GPU Triton backend; interpret mode on CPU).
# ----------------------------------------------------------------------------------------------

_MAX_SPLITS = 8


def _params(num_warps=4):
  return plgpu.CompilerParams(num_warps=num_warps, num_stages=2)


def _outer_sum_kernel(a_ref, b_ref, out_ref, *, block: int):
  """One (batch, head, split): sum over its token tiles of a_tile^T b_tile, f32 accumulator."""
  def body(t, acc):
    rows = pl.ds(pl.multiple_of(t * block, block), block)
    return acc + plgpu.dot(a_ref[rows, :], b_ref[rows, :], trans_a=True)

  acc = jnp.zeros(out_ref.shape, jnp.float32)
  out_ref[...] = lax.fori_loop(0, a_ref.shape[0] // block, body, acc)


def _outer_sum(a, b, *, block: int, interpret: bool):
  """a (B, N, H, d), b (B, N, H, e) -> (B, H, d, e) f32 = sum_n a_n^T b_n. d, e padded dims."""
  B, N, H, d = a.shape
  e = b.shape[3]
  bn = pc.tile_size(block, N, "block")
  splits = max(1, min(_MAX_SPLITS, N // bn))
  chunk = math.ceil(N / (splits * bn)) * bn
  a, b = (pc.pad_axis(x, 1, splits * chunk) for x in (a, b))
  partial = pl.pallas_call(
      functools.partial(_outer_sum_kernel, block=bn),
      grid=(B, H, splits),
      in_specs=[pl.BlockSpec((None, chunk, None, d), lambda i, h, s: (i, s, h, 0)),
                pl.BlockSpec((None, chunk, None, e), lambda i, h, s: (i, s, h, 0))],
      out_specs=pl.BlockSpec((None, None, None, d, e), lambda i, h, s: (i, h, s, 0, 0)),
      out_shape=jax.ShapeDtypeStruct((B, H, splits, d, e), jnp.float32),
      compiler_params=_params(),
      interpret=interpret,
      name="linear_attention_outer_sum",
  )(a, b)
  return jnp.sum(partial, axis=2)


def _apply_kernel(x_ref, m_ref, out_ref, *, transpose: bool):
  x = x_ref[...].astype(jnp.float32)
  out_ref[...] = plgpu.dot(x, m_ref[...], trans_b=transpose).astype(out_ref.dtype)


def _apply(x, m, out_dtype, *, transpose: bool, block: int, interpret: bool):
  """x (B, N, H, d) f32-promoted times m (B, H, d, e) (or m^T when transpose) -> (B, N, H, e)."""
  B, N, H, d = x.shape
  e = m.shape[2] if transpose else m.shape[3]
  bn = pc.tile_size(block, N, "block")
  n_pad = math.ceil(N / bn) * bn
  out = pl.pallas_call(
      functools.partial(_apply_kernel, transpose=transpose),
      grid=(n_pad // bn, B, H),
      in_specs=[pl.BlockSpec((None, bn, None, d), lambda i, b, h: (b, i, h, 0)),
                pl.BlockSpec((None, None) + m.shape[2:], lambda i, b, h: (b, h, 0, 0))],
      out_specs=pl.BlockSpec((None, bn, None, e), lambda i, b, h: (b, i, h, 0)),
      out_shape=jax.ShapeDtypeStruct((B, n_pad, H, e), out_dtype),
      compiler_params=_params(),
      interpret=interpret,
      name="linear_attention_apply",
  )(pc.pad_axis(x, 1, n_pad), m)
  return out[:, :N]


def _pad_dim(x, size):
  return pc.pad_axis(x, 3, size)


@functools.partial(jax.custom_vjp, nondiff_argnums=(3, 4, 5))
def _linear_pallas(q, k, v, scale, block, interpret):
  return _linear_pallas_fwd(q, k, v, scale, block, interpret)[0]


def _linear_pallas_fwd(q, k, v, scale, block, interpret):
  d, e = q.shape[3], v.shape[3]
  dp, ep = pc.padded_head_dim(d, "linear-attention"), pc.padded_head_dim(e, "linear-attention")
  summary = scale * _outer_sum(_pad_dim(k, dp), _pad_dim(v, ep), block=block, interpret=interpret)
  out = _apply(_pad_dim(q, dp), summary, q.dtype, transpose=False, block=block, interpret=interpret)
  return out[..., :e], (q, k, v, summary)


def _linear_pallas_bwd(scale, block, interpret, residuals, do):
  q, k, v, summary = residuals                                       # summary (B, H, dp, ep) f32
  dp, ep = summary.shape[2:]
  d, e = q.shape[3], v.shape[3]
  qp, kp, vp, dop = _pad_dim(q, dp), _pad_dim(k, dp), _pad_dim(v, ep), _pad_dim(do, ep)
  run = functools.partial(_apply, block=block, interpret=interpret)
  dq = run(dop, summary, q.dtype, transpose=True)[..., :d]
  d_summary = scale * _outer_sum(qp, dop, block=block, interpret=interpret)
  dk = run(vp, d_summary, k.dtype, transpose=True)[..., :d]
  dv = run(kp, d_summary, v.dtype, transpose=False)[..., :e]
  return dq, dk, dv


_linear_pallas.defvjp(_linear_pallas_fwd, _linear_pallas_bwd)


def _normalize_scale(normalize: str, n: int) -> float:
  if normalize == "sum":
    return 1.0
  if normalize == "mean":
    return 1.0 / n
  raise ValueError(f"linear attention normalize must be 'sum' or 'mean', got {normalize!r}.")


@functools.partial(jax.jit, static_argnames=("normalize", "block", "interpret"))
def linear_attention_pallas(q, k, v, *, normalize: str = "sum", block: int = 64, interpret=None):
  """Pallas linear attention, same contract as `linear_attention_reference`.

  block: token tile (power of 2 >= 16). interpret: None -> True unless on a GPU.
  Differentiable in q, k, v through a custom VJP built from the same two kernels.
  """
  if not (q.ndim == k.ndim == v.ndim == 4 and q.shape == k.shape and v.shape[:3] == q.shape[:3]):
    raise ValueError(f"linear attention wants q, k (B, N, heads, d) and v (B, N, heads, e), got "
                     f"{q.shape}, {k.shape}, {v.shape}.")
  for a, name in ((q, "q"), (k, "k"), (v, "v")):
    pc.check_dtype(a, f"linear-attention ({name})")
  scale = _normalize_scale(normalize, q.shape[1])
  return _linear_pallas(q, k, v, scale, block, pc.default_interpret(interpret))


def linear_attention(q, k, v, *, impl: str = "reference", normalize: str = "sum"):
  """Dispatch point shared by every caller; kernels register here behind the same signature.

  impl: 'reference' (jnp), 'pallas' (`linear_attention_pallas`; interpret mode on CPU) or 'auto'
  (pallas on GPU; the reference on CPU and on TPU, for which no Mosaic variant is written).
  """
  impl = pc.resolve_impl(impl, "linear-attention")
  if impl == "reference":
    return linear_attention_reference(q, k, v, normalize=normalize)
  return linear_attention_pallas(q, k, v, normalize=normalize)


# ----------------------------------------------------------------------------------------------
# The two halves on their own, for callers that combine summaries across devices
# (models/context_parallel.py all-reduces S between them). Each half has its own VJP.
# ----------------------------------------------------------------------------------------------
@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3))
def _summary_pallas(k, v, block, interpret):
  dp, ep = pc.padded_head_dim(k.shape[3], "linear-attention"), pc.padded_head_dim(v.shape[3], "linear-attention")
  s = _outer_sum(_pad_dim(k, dp), _pad_dim(v, ep), block=block, interpret=interpret)
  return s[:, :, :k.shape[3], :v.shape[3]]


def _summary_pallas_fwd(k, v, block, interpret):
  return _summary_pallas(k, v, block, interpret), (k, v)


def _summary_pallas_bwd(block, interpret, residuals, ds):
  k, v = residuals                                   # S = sum_n k_n^T v_n: dk_n = v_n dS^T, dv_n = k_n dS
  return (_readout_pallas(v, jnp.swapaxes(ds, 2, 3), k.dtype, block, interpret),
          _readout_pallas(k, ds, v.dtype, block, interpret))


_summary_pallas.defvjp(_summary_pallas_fwd, _summary_pallas_bwd)


def _readout_pallas(x, m, out_dtype, block, interpret):
  """x_n m per (batch, head) for x (B, N, H, d), m (B, H, d, e): the `_apply` kernel, padded."""
  dp, ep = pc.padded_head_dim(m.shape[2], "linear-attention"), pc.padded_head_dim(m.shape[3], "linear-attention")
  m_padded = jnp.pad(m.astype(jnp.float32), ((0, 0), (0, 0), (0, dp - m.shape[2]), (0, ep - m.shape[3])))
  out = _apply(_pad_dim(x, dp), m_padded, out_dtype, transpose=False, block=block, interpret=interpret)
  return out[..., :m.shape[3]]


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3))
def _readout_diff_pallas(q, summary, block, interpret):
  return _readout_pallas(q, summary, q.dtype, block, interpret)


def _readout_diff_fwd(q, summary, block, interpret):
  return _readout_diff_pallas(q, summary, block, interpret), (q, summary)


def _readout_diff_bwd(block, interpret, residuals, do):
  q, summary = residuals                             # O = q S: dq = dO S^T, dS = sum_n q_n^T dO_n
  dq = _readout_pallas(do, jnp.swapaxes(summary, 2, 3), q.dtype, block, interpret)
  return dq, _summary_pallas(q, do, block, interpret).astype(summary.dtype)


_readout_diff_pallas.defvjp(_readout_diff_fwd, _readout_diff_bwd)


def linear_summary(k, v, *, impl: str = "reference", block: int = 64):
  """S = sum_n k_n^T v_n per (batch, head): (B, N, H, d), (B, N, H, e) -> (B, H, d, e) float32."""
  if pc.resolve_impl(impl, "linear-attention") == "reference":
    return jnp.einsum("bnhd,bnhe->bhde", k.astype(jnp.float32), v.astype(jnp.float32))
  return _summary_pallas(k, v, block, pc.default_interpret(None))


def linear_readout(q, summary, *, impl: str = "reference", block: int = 64):
  """O_n = q_n S per (batch, head), in q's dtype (the accumulation in float32)."""
  if pc.resolve_impl(impl, "linear-attention") == "reference":
    return jnp.einsum("bnhd,bhde->bnhe", q.astype(jnp.float32), summary).astype(q.dtype)
  return _readout_diff_pallas(q, summary, block, pc.default_interpret(None))
