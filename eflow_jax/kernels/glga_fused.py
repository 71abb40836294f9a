"""GLGA's two attention branches in five Pallas kernels, with a custom VJP.

The unfused Pallas path runs the global (linear) branch and the local (window) branch as separate
kernels: 3 in the forward (outer sum, apply, window) and 6 in the backward (apply for dQ, outer sum,
two applies for dK and dV, window dQ, window dK/dV), each reading q, k or v from memory again.
Here every pass over the tokens that the math allows to share does:

  forward   1. summary   S = c * sum_j kg_j^T v_j, per (batch, head), f32 (split-K outer sum, the
                         kernel of linear_attention.py). A reduction over all tokens: it must finish
                         before any query reads S, so it cannot join kernel 2.
            2. fwd       grid (query tiles, B, heads): the window branch's online softmax over the
                         query tile's key band, and the global branch o_g = qg S on the same query
                         tile; writes o_l, o_g and the window's log-sum-exp.
  backward  (delta = rowsum(dO_l * o_l) and the epilogue's VJP are elementwise: XLA fuses them.)
            3. dsummary  dS = c * sum_i qg_i^T dO_g_i (again a full reduction).
            4. dq        grid (query tiles, B, heads): window dQ (FlashAttention-2) and the global
                         dQ_g = dO_g S^T from the same tile.
            5. dkv       grid (key tiles, B, heads): window dK, dV over the key tile's query band,
                         plus the global dK_g = v dS^T and dV += kg dS on the same tile.

So 5 kernels instead of 9, and each of q, k, v, dO is read by one fused kernel per pass instead of
one kernel per branch. The forward, dQ and dK/dV kernels each take their own tiling (`GLGATiling`),
so each can be tuned separately (benchmarks/dev/kernel_tuning.py --part fused).

What stays in XLA, and why: QK-RMSNorm and RoPE. The QK norm normalises over the whole hidden size
(all heads, as Wan), which a per-(tile, head) program does not hold, and XLA already fuses norm and
RoPE into one elementwise pass after the QKV projection: moving RoPE into the kernels would save no
memory traffic. The branch RMSNorms and the gates (the epilogue, Eq. 7-8) likewise normalise over
all heads; XLA fuses them into one elementwise pass over o_g and o_l, which the backward needs
anyway.

Inputs may differ per branch (`ql, kl` for the window, `qg, kg` for the linear branch: they differ
when model.linear_feature_map is not 'none'); pass the same arrays when they are equal and the
gradients of both branches add up. bf16 / f16 inputs are accumulated in f32.
Status: exact against the jnp references in interpret mode on CPU (tests/test_kernels_glga_fused.py);
not yet compiled on a GPU (no GPU was lent since it was written: benchmarks/gpu/tuning.sh runs it).
"""
import dataclasses
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import pallas as pl
from jax.experimental.pallas import triton as plgpu

from eflow_jax.kernels import pallas_common as pc
from eflow_jax.kernels import window_attention as wa
from eflow_jax.kernels import window_tiles as wt
from eflow_jax.kernels.linear_attention import (_normalize_scale, _outer_sum,
                                                linear_attention_reference)


@dataclasses.dataclass(frozen=True)
class KernelTiling:
  """One kernel's tiles: rows of the grid's own tile, columns of the band it loops over."""
  block_rows: int = 64
  block_cols: int = 64
  num_warps: int = 4
  num_stages: int = 2


@dataclasses.dataclass(frozen=True)
class GLGATiling:
  """Per-kernel tilings. fwd and dq: rows = query tile, cols = key tile; dkv: rows = key tile,
  cols = query tile. summary: the outer sum's token tile. Defaults: the window kernel's tuned
  64 x 64 / 4 warps / 2 stages (H200, docs/gpu_results/README.md) for all three."""
  fwd: KernelTiling = KernelTiling()
  dq: KernelTiling = KernelTiling()
  dkv: KernelTiling = KernelTiling()
  summary_block: int = 64

  @classmethod
  def uniform(cls, block: int) -> "GLGATiling":
    """Every kernel with `block`-row tiles (model.window_block) and 64-column tiles."""
    tile = KernelTiling(block_rows=block)
    return cls(fwd=tile, dq=tile, dkv=tile, summary_block=block)


@dataclasses.dataclass(frozen=True)
class _Resolved:
  """A GLGATiling clamped to one sequence: tiles, padded sizes, interpret mode."""
  fwd: KernelTiling
  dq: KernelTiling
  dkv: KernelTiling
  summary_block: int
  n_pad: int
  head_dim_pad: int
  interpret: bool


def _resolve(tiling: GLGATiling, n: int, head_dim: int, interpret) -> _Resolved:
  def clamp(t: KernelTiling, what: str) -> KernelTiling:
    return dataclasses.replace(t, block_rows=pc.tile_size(t.block_rows, n, f"{what} block_rows"),
                               block_cols=pc.tile_size(t.block_cols, n, f"{what} block_cols"))
  fwd, dq, dkv = clamp(tiling.fwd, "fwd"), clamp(tiling.dq, "dq"), clamp(tiling.dkv, "dkv")
  largest = max(max(t.block_rows, t.block_cols) for t in (fwd, dq, dkv))
  return _Resolved(fwd, dq, dkv, pc.tile_size(tiling.summary_block, n, "summary_block"),
                   math.ceil(n / largest) * largest, pc.padded_head_dim(head_dim, "GLGA"),
                   pc.default_interpret(interpret))


def _params(t: KernelTiling):
  return plgpu.CompilerParams(num_warps=t.num_warps, num_stages=t.num_stages)


# ----------------------------------------------------------------------------------------------
# Kernels 2, 4, 5 (1 and 3 are linear_attention._outer_sum).
# ----------------------------------------------------------------------------------------------

def _fwd_kernel(band_ref, qpos_ref, kpos_ref, ql_ref, qg_ref, kl_ref, v_ref, s_ref,
                ol_ref, og_ref, lse_ref, *, scale: float, radius: int, block_k: int):
  out, lse = wt.window_tile_forward(ql_ref[...], qpos_ref[...], kpos_ref, kl_ref, v_ref,
                                    band_ref[0], band_ref[1], scale=scale, radius=radius,
                                    block_k=block_k)
  ol_ref[...] = out.astype(ol_ref.dtype)
  lse_ref[...] = lse
  og_ref[...] = plgpu.dot(qg_ref[...].astype(jnp.float32), s_ref[...]).astype(og_ref.dtype)


def _dq_kernel(band_ref, qpos_ref, kpos_ref, ql_ref, kl_ref, v_ref, dol_ref, dog_ref, lse_ref,
               delta_ref, s_ref, dql_ref, dqg_ref, *, scale: float, radius: int, block_k: int):
  dq = wt.window_tile_dq(ql_ref[...], dol_ref[...], qpos_ref[...], lse_ref[...], delta_ref[...],
                         kpos_ref, kl_ref, v_ref, band_ref[0], band_ref[1], scale=scale,
                         radius=radius, block_k=block_k)
  dql_ref[...] = dq.astype(dql_ref.dtype)
  dog = dog_ref[...].astype(jnp.float32)
  dqg_ref[...] = plgpu.dot(dog, s_ref[...], trans_b=True).astype(dqg_ref.dtype)


def _dkv_kernel(band_ref, qpos_ref, kpos_ref, ql_ref, kl_ref, kg_ref, v_ref, dol_ref, lse_ref,
                delta_ref, ds_ref, dkl_ref, dkg_ref, dv_ref, *, scale: float, radius: int,
                block_q: int):
  v = v_ref[...]
  dk, dv = wt.window_tile_dkv(kl_ref[...], v, kpos_ref[...], qpos_ref, ql_ref, dol_ref, lse_ref,
                              delta_ref, band_ref[0], band_ref[1], scale=scale, radius=radius,
                              block_q=block_q)
  d_summary = ds_ref[...]                                               # (Dp, Dp) f32
  dkl_ref[...] = dk.astype(dkl_ref.dtype)
  dkg_ref[...] = plgpu.dot(v.astype(jnp.float32), d_summary, trans_b=True).astype(dkg_ref.dtype)
  dv = dv + plgpu.dot(kg_ref[...].astype(jnp.float32), d_summary)
  dv_ref[...] = dv.astype(dv_ref.dtype)


# ----------------------------------------------------------------------------------------------
# pallas_call wrappers.
# ----------------------------------------------------------------------------------------------

def _specs(r: _Resolved, rows: int):
  """BlockSpecs over a (rows-tile, B, H) grid: this program's tile, the whole sequence, its
  (Dp, Dp) summary, its positions and its f32 row statistics."""
  dp, n_pad = r.head_dim_pad, r.n_pad
  return dict(
      tile=pl.BlockSpec((None, rows, None, dp), lambda i, b, h: (b, i, h, 0)),
      whole=pl.BlockSpec((None, n_pad, None, dp), lambda i, b, h: (b, 0, h, 0)),
      summary=pl.BlockSpec((None, None, dp, dp), lambda i, b, h: (b, h, 0, 0)),
      band=pl.BlockSpec((None, None, 2), lambda i, b, h: (b, i, 0)),
      tile_pos=pl.BlockSpec((None, rows), lambda i, b, h: (b, i)),
      whole_pos=pl.BlockSpec((None, n_pad), lambda i, b, h: (b, 0)),
      tile_row=pl.BlockSpec((None, None, rows), lambda i, b, h: (b, h, i)),
      whole_row=pl.BlockSpec((None, None, n_pad), lambda i, b, h: (b, h, 0)))


def _pad(x, r: _Resolved):
  return pc.pad_axis(pc.pad_axis(x, 1, r.n_pad), 3, r.head_dim_pad)


def _forward(ql, kl, qg, kg, v, positions, scale_c, radius, r: _Resolved):
  B, N, H, D = ql.shape
  pos = pc.pad_axis(positions.astype(jnp.int32), 1, r.n_pad, wt.PAD_POSITION)
  qlp, klp, qgp, kgp, vp = (_pad(a, r) for a in (ql, kl, qg, kg, v))
  summary = scale_c * _outer_sum(kgp, vp, block=r.summary_block, interpret=r.interpret)
  t = r.fwd
  s = _specs(r, t.block_rows)
  o_local, o_global, lse = pl.pallas_call(
      functools.partial(_fwd_kernel, scale=1.0 / math.sqrt(D), radius=radius, block_k=t.block_cols),
      grid=(r.n_pad // t.block_rows, B, H),
      in_specs=[s["band"], s["tile_pos"], s["whole_pos"], s["tile"], s["tile"], s["whole"],
                s["whole"], s["summary"]],
      out_specs=[s["tile"], s["tile"], s["tile_row"]],
      out_shape=[jax.ShapeDtypeStruct(qlp.shape, ql.dtype), jax.ShapeDtypeStruct(qlp.shape, ql.dtype),
                 jax.ShapeDtypeStruct((B, H, r.n_pad), jnp.float32)],
      compiler_params=_params(t), interpret=r.interpret, name="glga_fwd",
  )(wt.tile_bands(pos, pos, radius, t.block_rows, t.block_cols), pos, pos, qlp, qgp, klp, vp, summary)
  crop = lambda a: a[:, :N, :, :D]
  return crop(o_global), crop(o_local), lse, summary


def _backward(ql, kl, qg, kg, v, positions, o_local, lse, summary, do_global, do_local, scale_c,
              radius, r: _Resolved):
  B, N, H, D = ql.shape
  scale = 1.0 / math.sqrt(D)
  pos = pc.pad_axis(positions.astype(jnp.int32), 1, r.n_pad, wt.PAD_POSITION)
  qlp, klp, qgp, kgp, vp, dolp, dogp = (_pad(a, r) for a in (ql, kl, qg, kg, v, do_local, do_global))
  delta = jnp.einsum("bnhd,bnhd->bhn", o_local.astype(jnp.float32), do_local.astype(jnp.float32))
  delta = pc.pad_axis(delta, 2, r.n_pad)
  d_summary = scale_c * _outer_sum(qgp, dogp, block=r.summary_block, interpret=r.interpret)

  t = r.dq
  s = _specs(r, t.block_rows)
  dq_local, dq_global = pl.pallas_call(
      functools.partial(_dq_kernel, scale=scale, radius=radius, block_k=t.block_cols),
      grid=(r.n_pad // t.block_rows, B, H),
      in_specs=[s["band"], s["tile_pos"], s["whole_pos"], s["tile"], s["whole"], s["whole"],
                s["tile"], s["tile"], s["tile_row"], s["tile_row"], s["summary"]],
      out_specs=[s["tile"], s["tile"]],
      out_shape=[jax.ShapeDtypeStruct(qlp.shape, ql.dtype), jax.ShapeDtypeStruct(qgp.shape, qg.dtype)],
      compiler_params=_params(t), interpret=r.interpret, name="glga_dq",
  )(wt.tile_bands(pos, pos, radius, t.block_rows, t.block_cols), pos, pos, qlp, klp, vp, dolp, dogp,
    lse, delta, summary)

  t = r.dkv
  s = _specs(r, t.block_rows)
  dk_local, dk_global, dv = pl.pallas_call(
      functools.partial(_dkv_kernel, scale=scale, radius=radius, block_q=t.block_cols),
      grid=(r.n_pad // t.block_rows, B, H),
      in_specs=[s["band"], s["whole_pos"], s["tile_pos"], s["whole"], s["tile"], s["tile"],
                s["tile"], s["whole"], s["whole_row"], s["whole_row"], s["summary"]],
      out_specs=[s["tile"], s["tile"], s["tile"]],
      out_shape=[jax.ShapeDtypeStruct(klp.shape, kl.dtype), jax.ShapeDtypeStruct(kgp.shape, kg.dtype),
                 jax.ShapeDtypeStruct(vp.shape, v.dtype)],
      compiler_params=_params(t), interpret=r.interpret, name="glga_dkv",
  )(wt.tile_bands(pos, pos, radius, t.block_rows, t.block_cols), pos, pos, qlp, klp, kgp, vp, dolp,
    lse, delta, d_summary)
  crop = lambda a: a[:, :N, :, :D]
  return tuple(crop(a) for a in (dq_local, dk_local, dq_global, dk_global, dv))


@functools.partial(jax.custom_vjp, nondiff_argnums=(6, 7, 8))
def _glga_fused(ql, kl, qg, kg, v, positions, scale_c, radius, resolved):
  o_global, o_local, _, _ = _forward(ql, kl, qg, kg, v, positions, scale_c, radius, resolved)
  return o_global, o_local


def _glga_fused_fwd(ql, kl, qg, kg, v, positions, scale_c, radius, resolved):
  o_global, o_local, lse, summary = _forward(ql, kl, qg, kg, v, positions, scale_c, radius, resolved)
  return (o_global, o_local), (ql, kl, qg, kg, v, positions, o_local, lse, summary)


def _glga_fused_bwd(scale_c, radius, resolved, residuals, cotangents):
  ql, kl, qg, kg, v, positions, o_local, lse, summary = residuals
  do_global, do_local = cotangents
  dql, dkl, dqg, dkg, dv = _backward(ql, kl, qg, kg, v, positions, o_local, lse, summary, do_global,
                                     do_local, scale_c, radius, resolved)
  return dql, dkl, dqg, dkg, dv, None                                 # positions: integer


_glga_fused.defvjp(_glga_fused_fwd, _glga_fused_bwd)


@functools.partial(jax.jit, static_argnames=("radius", "normalize", "tiling", "interpret"))
def glga_branches_pallas(ql, kl, qg, kg, v, positions, *, radius: int, normalize: str = "sum",
                         tiling: GLGATiling = GLGATiling(), interpret=None):
  """(o_global, o_local) of GLGA's two branches on the fused kernels; see `glga_branches`."""
  for a, name in ((ql, "ql"), (kl, "kl"), (qg, "qg"), (kg, "kg"), (v, "v")):
    if a.shape != v.shape:
      raise ValueError(f"GLGA wants ql, kl, qg, kg, v of one shape (B, N, heads, head_dim); {name} "
                       f"is {a.shape}, v is {v.shape}.")
    pc.check_dtype(a, f"GLGA ({name})")
  wa.check_window_inputs(ql, kl, v, positions, radius)
  resolved = _resolve(tiling, v.shape[1], v.shape[3], interpret)
  scale_c = _normalize_scale(normalize, v.shape[1])
  return _glga_fused(ql, kl, qg, kg, v, positions.astype(jnp.int32), scale_c, int(radius), resolved)


def glga_branches(ql, kl, qg, kg, v, positions, *, radius: int, normalize: str = "sum",
                  impl: str = "reference", block_q: int = 64):
  """GLGA's two attention branches before their norms and gate: (o_global, o_local).

  o_global = linear attention of (qg, kg, v) (Eq. 5), o_local = window attention of (ql, kl, v)
  on the tokens' raster positions (Eq. 6); each (B, N, heads, head_dim) in the inputs' dtype.
  impl: 'reference' (the jnp references), 'pallas' (the fused kernels; interpret mode on CPU) or
  'auto' (pallas on GPU). block_q (model.window_block) sets every fused kernel's row tile.
  """
  impl = pc.resolve_impl(impl, "GLGA")
  if impl == "reference":
    return (linear_attention_reference(qg, kg, v, normalize=normalize),
            wa.window_attention(ql, kl, v, positions, radius=radius, impl="reference",
                                block_q=block_q))
  return glga_branches_pallas(ql, kl, qg, kg, v, positions, radius=radius, normalize=normalize,
                              tiling=GLGATiling.uniform(block_q))


# ----------------------------------------------------------------------------------------------
# What each kernel executes, for efficiency = achieved / peak (benchmarks/dev/kernel_tuning.py).
# ----------------------------------------------------------------------------------------------

def kernel_costs(positions, heads: int, head_dim: int, radius: int, tiling: GLGATiling = GLGATiling(),
                 itemsize: int = 2) -> dict:
  """{kernel: dict(flops, bytes)} of one forward + backward of the fused core, counted from the
  tile bands of `positions` ((B, N) int, host array) as the kernels execute them.

  flops: matmul FLOPs (2 m n k) of every tile product the kernels run, masked entries included
  (what the GPU executes; exp and the elementwise work are not counted). bytes: HBM traffic if
  every tile a program loads is read from HBM once per program (no L2 reuse: an upper bound),
  inputs of `itemsize` bytes, f32 summaries and statistics.
  """
  positions = np.asarray(positions, np.int64)
  B, N = positions.shape
  r = _resolve(tiling, N, head_dim, interpret=True)
  dp, bh = r.head_dim_pad, B * heads
  pos = np.pad(positions, ((0, 0), (0, r.n_pad - N)), constant_values=wt.PAD_POSITION)

  def band_tiles(rows, cols):                              # sum over programs of key tiles visited
    padded = jnp.asarray(pos, jnp.int32)
    bands = np.asarray(wt.tile_bands(padded, padded, radius, rows, cols))
    return int(np.sum(bands[..., 1] - bands[..., 0])) * heads

  summary_bytes = dp * dp * 4
  linear = 2 * bh * r.n_pad * dp * dp                     # one (N x Dp) @ (Dp x Dp) per (b, h)
  out = {name: dict(flops=linear, bytes=2 * bh * r.n_pad * dp * itemsize + bh * summary_bytes)
         for name in ("summary", "dsummary")}
  # kernel: (tiling, dots per visited tile pair, dense (Dp x Dp) products, tiles of rows read or
  # written per program, f32 row statistics per program, f32 row statistics per visited tile)
  table = {"fwd": (r.fwd, 2, 1, 4, 1, 0), "dq": (r.dq, 3, 1, 5, 2, 0), "dkv": (r.dkv, 4, 2, 6, 0, 2)}
  for name, (t, dots, dense, row_tiles, row_stats, col_stats) in table.items():
    visits = band_tiles(t.block_rows, t.block_cols)
    programs = bh * r.n_pad // t.block_rows
    col_tile = t.block_cols * (2 * dp * itemsize + 4 * col_stats)   # two (bc x Dp) inputs + stats
    out[name] = dict(
        flops=visits * dots * 2 * t.block_rows * t.block_cols * dp + dense * linear,
        bytes=visits * col_tile + programs * (row_tiles * t.block_rows * dp * itemsize
                                              + summary_bytes + 4 * row_stats * t.block_rows))
  return out
