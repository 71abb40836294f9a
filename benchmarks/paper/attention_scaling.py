"""Attention scaling (paper Fig. 2a): softmax vs GLGA vs GLGA with 75% token drop, vs token count.

Geometry: 480p video -> Wan 2.1 latent frames of 30 x 52 tokens (patch 1x2x2), a growing number of
latent frames (21 frames = 81 video frames = 32,760 tokens), GLGA window of m frames (m=4 Kinetics,
m=6 T2V; radius = m * 1560 / 2). The 75%-drop rows use SPRINT's structured (1, 2, 2) group drop:
1 of every 4 tokens kept, positions are the kept raster indices, window on original positions.

What is timed is the attention core on given q, k, v (projections are identical for all three and
left out):
  softmax       jax.nn.dot_product_attention (XLA on CPU; cuDNN/XLA on GPU)
  glga m=M      GLGA's linear + window branches (kernels/glga_fused.py: the fused Pallas kernels on
                a GPU, the jnp references on CPU)
  glga-drop75   the same on the kept quarter of the tokens
  sla80, sla95  Sparse-Linear Attention at 80% / 95% sparsity (kernels/sla.py, blocks of 120 tokens)
  vsa           Video Sparse Attention, 32 cubes of 1 x 6 x 13 tokens (kernels/vsa.py)
Forward and forward+backward (grad of <out, cotangent> w.r.t. q, k, v) latency, as the median of
interleaved repeats (every method once per round, all in one process), and peak memory as XLA's
compiled buffer assignment (arguments + outputs + temporaries, `compiled.memory_analysis()`).

FLOPs (forward, multiply-add = 2): softmax 4 N^2 d per head; linear 4 N d^2; window counts what the
implementation executes: the reference computes block_q + 2 radius keys per query block, the
Pallas kernel (block_q x block_k) tiles over each query tile's key band. `ideal` counts only the
in-window (query, key) pairs. `eff` = measured speedup over softmax / FLOP-ratio speedup (executed
FLOPs); the fwd+bwd column uses the same forward FLOP ratio.

On CPU this times the pure-jnp REFERENCE path (the Pallas kernels only run in interpret mode on
CPU, which is a correctness tool, not a fast path); on a GPU `--impl auto` times the Pallas kernels.

  python benchmarks/paper/attention_scaling.py               # CPU default: 1..21 frames, m=4,6 (5-15 min)
  python benchmarks/paper/attention_scaling.py --quick       # ~1 min smoke run (1, 2, 4 frames, m=4)
  python benchmarks/paper/attention_scaling.py --max-frames 8 --window-frames 4
  bash benchmarks/gpu/check.sh        # GPU: bf16, 8 heads, cuDNN softmax, --check (errors vs f32)
Writes benchmarks/results/attention_scaling.json.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks import scaffold
from eflow_jax.kernels import pallas_common
from eflow_jax.kernels import sla, vsa
from eflow_jax.kernels.glga_fused import glga_branches
from eflow_jax.kernels.linear_attention import linear_attention
from eflow_jax.kernels.window_attention import window_attention, window_radius
from eflow_jax.kernels.window_tiles import tile_bands
from eflow_jax.models.token_drop import sample_keep_indices

TOKENS_H, TOKENS_W = 30, 52          # 480x832 video, VAE stride 8, patch 2x2
TOKENS_PER_FRAME = TOKENS_H * TOKENS_W
DEFAULT_FRAMES = (1, 2, 4, 8, 16, 21)


def parse_args(argv=None):
  p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  p.add_argument("--frames", type=int, nargs="*", default=None,
                 help=f"latent frame counts (default {DEFAULT_FRAMES}, capped by --max-frames)")
  p.add_argument("--max-frames", type=int, default=21)
  p.add_argument("--window-frames", type=int, nargs="*", default=None, help="m values (default 4 6)")
  p.add_argument("--heads", type=int, default=1, help="heads (cost is linear in heads; 1 keeps "
                 "softmax's N x N buffers within CPU memory at 32K tokens)")
  p.add_argument("--head-dim", type=int, default=128)
  p.add_argument("--batch", type=int, default=1)
  p.add_argument("--dtype", default=None, help="float32 (CPU default) or bfloat16 (GPU default)")
  p.add_argument("--impl", default="auto", help="kernel impl for GLGA: auto | reference | pallas")
  p.add_argument("--block-q", type=int, default=64, help="query tile (model.window_block)")
  p.add_argument("--repeats", type=int, default=3)
  p.add_argument("--no-backward", action="store_true", help="forward only")
  p.add_argument("--softmax-max-tokens", type=int, default=33_000,
                 help="time softmax forward only up to this many tokens (memory: N^2 floats)")
  p.add_argument("--softmax-bwd-max-tokens", type=int, default=13_000,
                 help="time softmax forward+backward only up to this many tokens")
  p.add_argument("--softmax-impl", default="xla", choices=("xla", "cudnn"),
                 help="jax.nn.dot_product_attention implementation (cudnn: GPU flash attention, "
                 "bf16/fp16 only)")
  p.add_argument("--check", action="store_true",
                 help="also measure each GLGA row's error (output and q/k/v gradients) against a "
                 "float32 'highest'-precision reference, and the reference path's own error in "
                 "the timed dtype")
  p.add_argument("--no-sparse-baselines", dest="sparse_baselines", action="store_false",
                 help="leave out the SLA (80%%, 95%%) and VSA rows (jnp references)")
  p.add_argument("--quick", action="store_true", help="1, 2, 4 frames, m=4, 2 repeats")
  scaffold.add_report_flag(p, "attention_scaling", "--out")
  args = p.parse_args(argv)
  if args.quick:
    args.frames = args.frames or [1, 2, 4]
    args.window_frames = args.window_frames or [4]
    args.repeats = min(args.repeats, 2)
  args.frames = [f for f in (args.frames or DEFAULT_FRAMES) if f <= args.max_frames]
  args.window_frames = args.window_frames or [4, 6]
  return args


# ----------------------------------------------------------------------------------------------
# FLOP counts (forward, per batch, all heads).
# ----------------------------------------------------------------------------------------------

def softmax_flops(n, heads, d):
  return 4 * n * n * d * heads


def linear_flops(n, heads, d):
  return 4 * n * d * d * heads


def window_pairs(pos, radius):
  """Number of (query, key) pairs with |pos_q - pos_k| <= radius (pos sorted)."""
  pos = np.asarray(pos)
  return int(np.sum(np.searchsorted(pos, pos + radius, "right") - np.searchsorted(pos, pos - radius)))


def window_flops_executed(pos, radius, heads, d, impl, block_q, block_k=64):
  """Score + PV FLOPs the implementation actually computes (masked entries included)."""
  n = len(pos)
  if impl == "reference":
    bq = min(block_q, n)
    n_pad = math.ceil(n / bq) * bq
    span = min(bq + 2 * radius, n_pad)
    return 4 * n_pad * span * d * heads
  bq = pallas_common.tile_size(block_q, n, "block_q")
  bk = pallas_common.tile_size(block_k, n, "block_k")
  n_pad = math.ceil(n / max(bq, bk)) * max(bq, bk)
  p = np.pad(np.asarray(pos), (0, n_pad - n), constant_values=2**30)
  band = np.asarray(tile_bands(jnp.asarray(p)[None], jnp.asarray(p)[None], radius, bq, bk))[0]
  return int(4 * np.sum(band[:, 1] - band[:, 0]) * bk * bq * d * heads)


# ----------------------------------------------------------------------------------------------
# Methods.
# ----------------------------------------------------------------------------------------------

# SLA and VSA (paper Fig. 5b, Fig. 7) at the 480p frame of 30 x 52 tokens. Neither reference pads, so their blocks
# must tile it: SLA blocks of 120 tokens (1560 = 13 x 120; the paper's are 64), VSA cubes of
# 1 x 6 x 13 = 78 tokens (the paper's 4 x 4 x 4 = 64 does not tile 30 x 52 or odd frame counts).
SLA_BLOCK = 120
VSA_CUBE = (1, 6, 13)


def sla_core(critical):
  def core(q, k, v):
    o_sparse, o_linear = sla.sla_attention(q, k, v, block_q=SLA_BLOCK, block_k=SLA_BLOCK,
                                           critical=critical)
    return o_sparse + o_linear          # proj(o_linear) costs the same (D x D) for every method
  return core


def vsa_core(positions, frames, topk):
  def core(q, k, v):
    o_fine, o_coarse = vsa.vsa_attention(q, k, v, positions, grid=(frames, TOKENS_H, TOKENS_W),
                                         cube=VSA_CUBE, topk=topk)
    return o_fine + o_coarse
  return core


def sparse_baseline_methods(frames, positions, arrays, heads, d):
  """{name: (core, arrays, tokens, executed FLOPs, FLOPs, None)}: SLA at 80% and 95% sparsity,
  VSA with 32 cubes (the paper's settings), forward FLOPs of what the references compute."""
  n = frames * TOKENS_PER_FRAME
  out = {}
  for label, critical in (("sla80", 0.2), ("sla95", 0.05)):
    n_crit, _ = sla.block_counts(n // SLA_BLOCK, critical, 0.0)
    keys = n_crit * SLA_BLOCK
    # exact part (scores + PV), the linear part's summary and apply, and its subtracted blocks
    flops = heads * (4 * n * keys * d + 4 * n * d * d + 4 * n * keys * d)
    out[label] = (sla_core(critical), arrays, n, flops, flops, None)
  cubes = frames * (TOKENS_H // VSA_CUBE[1]) * (TOKENS_W // VSA_CUBE[2])
  topk = min(32, cubes)
  per_cube = math.prod(VSA_CUBE)
  flops = heads * (4 * n * topk * per_cube * d + 4 * cubes * cubes * d)
  out["vsa"] = (vsa_core(positions, frames, topk), arrays, n, flops, flops, None)
  return out


def softmax_core(implementation):
  return lambda q, k, v: jax.nn.dot_product_attention(q, k, v, implementation=implementation)


def glga_core(positions, radius, impl, block_q, fused=True):
  """GLGA's two branches, summed (their norms and gate cost the same for every impl).

  fused: with impl 'pallas', the five fused kernels the model runs (kernels/glga_fused.py); False:
  the per-branch kernels (linear_attention + window_attention, nine kernels)."""
  def core(q, k, v):
    if fused:
      o_global, o_local = glga_branches(q, k, q, k, v, positions, radius=radius, normalize="mean",
                                        impl=impl, block_q=block_q)
    else:
      o_global = linear_attention(q, k, v, impl=impl, normalize="mean")
      o_local = window_attention(q, k, v, positions, radius=radius, impl=impl, block_q=block_q)
    return o_global + o_local
  return core


def loss_of(core):
  """<core(q, k, v), cot>: its gradient is the backward pass for cotangent cot. cot is an
  argument, not a closed-over constant, which XLA would constant-fold at compile time."""
  return lambda q, k, v, cot: jnp.sum(core(q, k, v).astype(jnp.float32) * cot.astype(jnp.float32))


def fwd_and_bwd(core):
  return jax.jit(core), jax.jit(jax.value_and_grad(loss_of(core), argnums=(0, 1, 2)))


def relative_error(got, want):
  """max |got - want| / max |want| (float32)."""
  got, want = jnp.asarray(got, jnp.float32), jnp.asarray(want, jnp.float32)
  return float(jnp.max(jnp.abs(got - want)) / jnp.max(jnp.abs(want)))


def errors_against_float32(cores, arrays):
  """{name: (output error, worst q/k/v gradient error)} of each core in the arrays' dtype,
  against the float32 product at 'highest' matmul precision of cores['reference'] (on GPU,
  XLA's and Triton's default float32 dot is TF32, so 'highest' is asked for explicitly)."""
  def value_and_grads(core, q, k, v, cot):
    return jax.jit(core)(q, k, v), jax.jit(jax.grad(loss_of(core), argnums=(0, 1, 2)))(q, k, v, cot)
  with jax.default_matmul_precision("highest"):
    want_out, want_grads = value_and_grads(cores["reference"],
                                           *(a.astype(jnp.float32) for a in arrays))
  errors = {}
  for name, core in cores.items():
    out, grads = value_and_grads(core, *arrays)
    errors[name] = (relative_error(out, want_out),
                    max(relative_error(g, w) for g, w in zip(grads, want_grads)))
  return errors


def compiled_peak_bytes(compiled):
  m = compiled.memory_analysis()
  if m is None:
    return None
  return int(m.argument_size_in_bytes + m.output_size_in_bytes + m.temp_size_in_bytes
             - getattr(m, "alias_size_in_bytes", 0))


def time_methods(methods: dict, n: int, args):
  """Each method's forward and forward+backward compiled and timed in interleaved rounds:
  ({name: forward s}, {name: forward+backward s}, {name: {"fwd", "fwd+bwd": peak bytes}})."""
  fwd_calls, bwd_calls, args_of, args_of_bwd, mem = {}, {}, {}, {}, {}
  for name, (core, (a, b, c, ct), tokens, *_rest) in methods.items():
    fwd, bwd = fwd_and_bwd(core)
    fwd_calls[name] = fwd.lower(a, b, c).compile()
    mem[name] = {"fwd": compiled_peak_bytes(fwd_calls[name])}
    args_of[name], args_of_bwd[name] = (a, b, c), (a, b, c, ct)
    want_bwd = not args.no_backward and (name != "softmax" or n <= args.softmax_bwd_max_tokens)
    compiled = bwd.lower(a, b, c, ct).compile()
    mem[name]["fwd+bwd"] = compiled_peak_bytes(compiled)
    if want_bwd:
      bwd_calls[name] = compiled
  t_fwd = scaffold.time_interleaved(fwd_calls, args_of, args.repeats)
  t_bwd = scaffold.time_interleaved(bwd_calls, args_of_bwd, args.repeats) if bwd_calls else {}
  return t_fwd, t_bwd, mem


def method_row(frames: int, n: int, name: str, methods: dict, times, checks: dict) -> dict:
  """One method's row: times, peak memory, FLOPs and the ratios to softmax (and to dense GLGA for
  the token-drop rows); `checks`: {impl: (output error, gradient error)} (--check)."""
  t_fwd, t_bwd, mem = times
  _, _, tokens, flops, ideal, m = methods[name]
  row = dict(frames=frames, dense_tokens=n, tokens=tokens, method=name, window_frames=m,
             fwd_s=t_fwd.get(name), fwd_bwd_s=t_bwd.get(name),
             peak_bytes_fwd=mem[name]["fwd"], peak_bytes_fwd_bwd=mem[name]["fwd+bwd"],
             flops_fwd=flops, flops_fwd_ideal=ideal)
  for checked_impl, (out_err, grad_err) in checks.items():
    row[f"{checked_impl}_err_out"], row[f"{checked_impl}_err_grad"] = out_err, grad_err
  if "softmax" in methods and name != "softmax":
    s_flops = methods["softmax"][3]
    row["flop_ratio"] = s_flops / flops
    row["flop_ratio_ideal"] = s_flops / ideal
    for key in ("fwd_s", "fwd_bwd_s"):
      base = t_fwd.get("softmax") if key == "fwd_s" else t_bwd.get("softmax")
      if base and row[key]:
        row[f"speedup_{key[:-2]}"] = base / row[key]
        row[f"eff_{key[:-2]}"] = row[f"speedup_{key[:-2]}"] / row["flop_ratio"]
  if name.startswith("glga-drop75"):
    dense = t_fwd.get(name.replace("glga-drop75", "glga"))
    row["drop_speedup_fwd"] = dense / row["fwd_s"]
    dense_b = t_bwd.get(name.replace("glga-drop75", "glga"))
    if dense_b and row["fwd_bwd_s"]:
      row["drop_speedup_fwd_bwd"] = dense_b / row["fwd_bwd_s"]
  return row


def run(args):
  backend = jax.default_backend()
  impl = pallas_common.resolve_impl(args.impl, "benchmark")
  dtype = jnp.dtype(args.dtype or ("bfloat16" if backend == "gpu" else "float32"))
  if args.softmax_impl == "cudnn" and (backend != "gpu" or dtype == jnp.float32):
    raise SystemExit(f"--softmax-impl cudnn needs a GPU and bf16/fp16 inputs (here: {backend}, "
                     f"{dtype.name}); use --softmax-impl xla.")
  B, H, D = args.batch, args.heads, args.head_dim
  path = ("Pallas kernels" if impl == "pallas" else "pure-jnp REFERENCE path") + (
      " (interpret mode: a correctness tool, not a fast path)" if impl == "pallas" and backend != "gpu"
      else "")
  print(f"device: {jax.devices()[0].device_kind} ({backend}); GLGA timed on the {path}")
  print(f"B={B} heads={H} head_dim={D} dtype={dtype.name}; {TOKENS_H}x{TOKENS_W} tokens/frame; "
        f"repeats={args.repeats} (medians, interleaved)")

  rows = []
  for frames in args.frames:
    n = frames * TOKENS_PER_FRAME
    keys = jax.random.split(jax.random.PRNGKey(frames), 5)
    q, k, v, cot = (jax.random.normal(kk, (B, n, H, D), dtype) for kk in keys[:4])
    dense_pos = jnp.broadcast_to(jnp.arange(n, dtype=jnp.int32), (B, n))
    keep = sample_keep_indices(keys[4], B, (frames, TOKENS_H, TOKENS_W), (1, 2, 2), 1)
    take = jax.vmap(lambda a, i: a[i])
    dropped = tuple(take(a, keep) for a in (q, k, v, cot))
    n_keep = keep.shape[1]

    methods = {}                  # name -> (core, (q, k, v, cot), tokens, flops, ideal flops, m)
    checks = {}                   # name -> {impl: (output error, gradient error)} (--check)
    if n <= args.softmax_max_tokens:
      f = softmax_flops(n, H, D)
      methods["softmax"] = (softmax_core(args.softmax_impl), (q, k, v, cot), n, f, f, None)
    for m in args.window_frames:
      radius = window_radius(m * TOKENS_PER_FRAME)
      for tag, pos, arrays, tokens in (("glga", dense_pos, (q, k, v, cot), n),
                                       ("glga-drop75", keep, dropped, n_keep)):
        wf = window_flops_executed(np.asarray(pos[0]), radius, H, D, impl, args.block_q)
        ideal = 4 * window_pairs(pos[0], radius) * D * H + linear_flops(tokens, H, D)
        methods[f"{tag} m={m}"] = (glga_core(pos, radius, impl, args.block_q), arrays, tokens,
                                   wf + linear_flops(tokens, H, D), ideal, m)
        if args.check:
          cores = {i: glga_core(pos, radius, i, args.block_q) for i in {"reference", impl}}
          checks[f"{tag} m={m}"] = errors_against_float32(cores, arrays)

    if args.sparse_baselines:
      methods.update(sparse_baseline_methods(frames, dense_pos, (q, k, v, cot), H, D))

    times = time_methods(methods, n, args)
    for name in methods:
      rows.append(method_row(frames, n, name, methods, times, checks.get(name, {})))
      print_row(rows[-1], header=len(rows) == 1)
    del q, k, v, cot, dropped
  return dict(device=jax.devices()[0].device_kind, backend=backend, impl=impl,
              timed_path=path, dtype=dtype.name, batch=B, heads=H, head_dim=D,
              tokens_per_frame=[TOKENS_H, TOKENS_W], block_q=args.block_q, repeats=args.repeats,
              host=platform.node(), jax=jax.__version__, rows=rows)


def fmt(x, spec, missing="-"):
  return missing if x is None else format(x, spec)


def print_row(r, header=False):
  cols = ("frames", "tokens", "method", "fwd ms", "f+b ms", "peak MB f", "peak MB f+b",
          "GFLOP f", "FLOP ratio", "speedup f", "eff f", "speedup f+b", "eff f+b", "drop x f")
  widths = (6, 7, 16, 9, 9, 10, 11, 9, 10, 9, 6, 11, 7, 8)
  if header:
    print(" ".join(c.rjust(w) for c, w in zip(cols, widths)))
  mb = lambda b: None if b is None else b / 2**20
  ms = lambda s: None if s is None else 1e3 * s
  cells = (str(r["frames"]), str(r["tokens"]), r["method"], fmt(ms(r["fwd_s"]), ".1f"),
           fmt(ms(r["fwd_bwd_s"]), ".1f"), fmt(mb(r["peak_bytes_fwd"]), ".0f"),
           fmt(mb(r["peak_bytes_fwd_bwd"]), ".0f"), fmt(r["flops_fwd"] / 1e9, ".1f"),
           fmt(r.get("flop_ratio"), ".2f"), fmt(r.get("speedup_fwd"), ".2f"),
           fmt(r.get("eff_fwd"), ".2f"), fmt(r.get("speedup_fwd_bwd"), ".2f"),
           fmt(r.get("eff_fwd_bwd"), ".2f"), fmt(r.get("drop_speedup_fwd"), ".2f"))
  print(" ".join(c.rjust(w) for c, w in zip(cells, widths)), flush=True)
  checked = [(i, r[f"{i}_err_out"], r[f"{i}_err_grad"]) for i in ("pallas", "reference")
             if f"{i}_err_out" in r]
  if checked:
    print(" " * 32 + "max error / max |f32 value|: " + "; ".join(
        f"{i} out {o:.1e} grad {g:.1e}" for i, o, g in checked), flush=True)


def main(argv=None):
  args = parse_args(argv)
  t0 = time.time()
  result = run(args)
  result["wall_s"] = time.time() - t0
  scaffold.write_json(result, args.json, __file__, argv)
  print("peak MB = XLA buffer assignment (args + outputs + temps); '-' = not timed (softmax N^2 memory "
        "cap) or no softmax baseline.")


if __name__ == "__main__":
  main()
