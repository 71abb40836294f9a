"""Which attention path to use on a GPU, and which tiles for the window kernel (GPU questions).

Two measurements at the 480p geometry of attention_scaling.py (30 x 52 tokens per latent frame,
GLGA window m frames, bf16 on GPU), every candidate timed side by side in one process (medians of
interleaved rounds), every candidate's output checked against the jnp reference on the same inputs:

  impls   the GLGA core (linear + window attention) on the fused Pallas kernels (what the model
          runs), on the per-branch Pallas kernels, and on the pure-jnp reference path that XLA
          compiles, dense and with SPRINT's 75% structured drop: decides `model.attention_impl`'s
          default on GPUs.
  tiles   the Pallas window kernel (forward and forward+backward) over tile sizes block_q x block_k,
          num_warps and num_stages (one tiling for the forward, dQ and dK/dV kernels): decides
          window_attention_pallas's defaults. A tiling the GPU cannot compile (shared memory) is
          reported and skipped.
  fused   the fused GLGA kernels (kernels/glga_fused.py), each kernel's tiling (forward, dQ,
          dK/dV) tuned on its own, with achieved TFLOP/s and GB/s against --peak-tflops /
          --peak-gbps from the kernels' own FLOP and byte counts.

  python benchmarks/dev/kernel_tuning.py                       # both parts, 8 and 21 frames (GPU)
  python benchmarks/dev/kernel_tuning.py --part tiles --frames 21
  python benchmarks/dev/kernel_tuning.py --quick               # CPU smoke run (interpret mode; tiny)

On CPU the Pallas kernels run in interpret mode, so the times say nothing; --quick only checks the
script end to end. Writes benchmarks/results/kernel_tuning.json.
"""
from __future__ import annotations

import argparse
import dataclasses
import inspect
import itertools
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

import jax  # pylint: disable=g-import-not-at-top
import jax.numpy as jnp

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top
from benchmarks.paper.attention_scaling import TOKENS_H, TOKENS_W, fwd_and_bwd, glga_core, relative_error
from eflow_jax.kernels.glga_fused import (GLGATiling, KernelTiling, glga_branches_pallas,
                                          kernel_costs)
from eflow_jax.kernels.window_attention import (window_attention_pallas, window_attention_reference,
                                                window_radius)
from eflow_jax.models.token_drop import sample_keep_indices

# window_attention_pallas's own defaults, read from its signature so that they cannot drift apart.
DEFAULT_TILING = {name: inspect.signature(window_attention_pallas).parameters[name].default
                  for name in ("block_q", "block_k", "num_warps", "num_stages")}


def parse_args(argv=None):
  p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  p.add_argument("--part", choices=("impls", "tiles", "fused", "both", "all"), default="both",
                 help="both = impls + tiles; all = impls + tiles + fused")
  p.add_argument("--peak-tflops", type=float, default=None,
                 help="the device's dense bf16 peak, for --part fused's efficiency (H200: 989)")
  p.add_argument("--peak-gbps", type=float, default=None, help="HBM bandwidth (H200: 4800)")
  p.add_argument("--frames", type=int, nargs="*", default=[8, 21])
  p.add_argument("--frame-tokens", type=int, nargs=2, default=[TOKENS_H, TOKENS_W],
                 metavar=("H", "W"), help="latent tokens per frame (default 480p: 30 52)")
  p.add_argument("--window-frames", type=int, default=4)
  p.add_argument("--heads", type=int, default=8)
  p.add_argument("--head-dim", type=int, default=128)
  p.add_argument("--dtype", default=None, help="default: bfloat16 on GPU, float32 elsewhere")
  p.add_argument("--block-q", type=int, nargs="*", default=[64, 128])
  p.add_argument("--block-k", type=int, nargs="*", default=[32, 64, 128])
  p.add_argument("--num-warps", type=int, nargs="*", default=[4, 8])
  p.add_argument("--num-stages", type=int, nargs="*", default=[2, 3])
  p.add_argument("--repeats", type=int, default=5)
  p.add_argument("--quick", action="store_true",
                 help="tiny CPU smoke run: 2 frames of 4 x 8 tokens, 1 head of 32, 2 tilings")
  scaffold.add_report_flag(p, "kernel_tuning", "--out")
  args = p.parse_args(argv)
  if args.quick:
    args.frames, args.frame_tokens, args.window_frames = [2], [4, 8], 1
    args.heads, args.head_dim, args.repeats = 1, 32, 2
    args.block_q, args.block_k, args.num_warps, args.num_stages = [16], [16, 32], [4], [2]
  return args


def inputs(frames, frame_tokens, heads, head_dim, dtype, seed=0):
  """q, k, v, cotangent (B=1), dense positions, and the 75%-drop (1, 2, 2) subset of all of them."""
  n = frames * frame_tokens[0] * frame_tokens[1]
  keys = jax.random.split(jax.random.PRNGKey(seed), 5)
  arrays = tuple(jax.random.normal(kk, (1, n, heads, head_dim), dtype) for kk in keys[:4])
  dense_pos = jnp.arange(n, dtype=jnp.int32)[None]
  keep = sample_keep_indices(keys[4], 1, (frames, *frame_tokens), (1, 2, 2), 1)
  dropped = tuple(a[:, keep[0]] for a in arrays)
  return (arrays, dense_pos), (dropped, keep)


def compile_fwd_and_bwd(core, arrays):
  """(forward, forward+backward) of core(q, k, v), compiled for `arrays` (q, k, v, cotangent)."""
  fwd, bwd = fwd_and_bwd(core)
  return fwd.lower(*arrays[:3]).compile(), bwd.lower(*arrays).compile()


def time_compiled(compiled, arrays, repeats):
  """{name: (fwd s, fwd+bwd s)} of {name: compile_fwd_and_bwd(...)}, interleaved."""
  t_fwd = scaffold.time_interleaved({n: c[0] for n, c in compiled.items()},
                                    {n: arrays[:3] for n in compiled}, repeats)
  t_bwd = scaffold.time_interleaved({n: c[1] for n, c in compiled.items()},
                                    {n: arrays for n in compiled}, repeats)
  return {name: (t_fwd[name], t_bwd[name]) for name in compiled}


def impls_part(args, dtype):
  """GLGA core on the fused Pallas kernels, on the per-branch Pallas kernels, and on the jnp
  reference, dense and dropped (x = speedup over the reference)."""
  rows = []
  print("\n== impls: GLGA core, Pallas kernels (fused; per branch) vs the jnp reference (XLA) ==")
  print(f"{'frames':>6} {'tokens':>7} {'case':>8} {'ref fwd ms':>10} {'fused':>8} {'x':>5} "
        f"{'unfused':>8} {'x':>5} {'ref f+b ms':>10} {'fused':>8} {'x':>5} {'unfused':>8} {'x':>5} "
        f"{'err out':>8}")
  for frames in args.frames:
    radius = window_radius(args.window_frames * args.frame_tokens[0] * args.frame_tokens[1])
    for case, (arrays, pos) in zip(("dense", "drop75"), inputs(frames, args.frame_tokens, args.heads,
                                                               args.head_dim, dtype, frames)):
      block = DEFAULT_TILING["block_q"]                                      # model.window_block
      cores = {"reference": glga_core(pos, radius, "reference", block),
               "pallas": glga_core(pos, radius, "pallas", block),
               "unfused": glga_core(pos, radius, "pallas", block, fused=False)}
      want = jax.jit(cores["reference"])(*arrays[:3])
      err = max(relative_error(jax.jit(cores[n])(*arrays[:3]), want) for n in ("pallas", "unfused"))
      t = time_compiled({n: compile_fwd_and_bwd(c, arrays) for n, c in cores.items()}, arrays,
                        args.repeats)
      row = dict(part="impls", frames=frames, tokens=int(pos.shape[1]), case=case,
                 window_frames=args.window_frames, err_out=err)
      for name in cores:
        row[f"{name}_fwd_s"], row[f"{name}_fwd_bwd_s"] = t[name]
      for name in ("pallas", "unfused"):
        row[f"{name}_speedup_fwd"] = t["reference"][0] / t[name][0]
        row[f"{name}_speedup_fwd_bwd"] = t["reference"][1] / t[name][1]
      rows.append(row)
      ms = lambda name, i: f"{1e3 * t[name][i]:>8.2f}"
      x = lambda name, i: f"{t['reference'][i] / t[name][i]:>5.2f}"
      print(f"{frames:>6} {row['tokens']:>7} {case:>8} {1e3 * t['reference'][0]:>10.2f} "
            f"{ms('pallas', 0)} {x('pallas', 0)} {ms('unfused', 0)} {x('unfused', 0)} "
            f"{1e3 * t['reference'][1]:>10.2f} {ms('pallas', 1)} {x('pallas', 1)} "
            f"{ms('unfused', 1)} {x('unfused', 1)} {err:>8.1e}", flush=True)
  return rows


def fused_tilings(args, kernel):
  """GLGATilings that vary one kernel's tile (the others at the default), the default first."""
  default = GLGATiling()
  cols = args.block_k[:1] if args.quick else args.block_k       # --quick: one candidate per kernel
  grid = itertools.product(args.block_q, cols, args.num_warps, args.num_stages)
  out = [default]
  for rows_, cols, warps, stages in grid:
    tile = KernelTiling(rows_, cols, warps, stages)
    candidate = dataclasses.replace(default, **{kernel: tile})
    if candidate not in out:
      out.append(candidate)
  return out


def efficiency(costs, seconds, names, peak_tflops, peak_gbps):
  flops = sum(costs[n]["flops"] for n in names)
  moved = sum(costs[n]["bytes"] for n in names)
  return dict(tflops=flops / seconds / 1e12, gbps=moved / seconds / 1e9,
              flop_efficiency=flops / seconds / 1e12 / peak_tflops if peak_tflops else None,
              byte_efficiency=moved / seconds / 1e9 / peak_gbps if peak_gbps else None)


def fused_part(args, dtype):
  """The fused GLGA kernels: each kernel's tiling tuned on its own (fwd on forward time; dq and
  dkv on forward+backward time, the others fixed), and what the default achieves against the peak
  (FLOPs and bytes from glga_fused.kernel_costs; forward = summary + fwd, backward = dsummary + dq +
  dkv, timed as forward+backward minus forward)."""
  rows = []
  print("\n== fused: the five GLGA kernels, one kernel's tiling at a time (x = speedup over the "
        "default) ==")
  for frames in args.frames:
    radius = window_radius(args.window_frames * args.frame_tokens[0] * args.frame_tokens[1])
    cases = ("dense",) if args.quick else ("dense", "drop75")
    for case, (arrays, pos) in zip(cases, inputs(frames, args.frame_tokens, args.heads,
                                                 args.head_dim, dtype, frames)):
      want = jax.jit(glga_core(pos, radius, "reference", DEFAULT_TILING["block_q"]))(*arrays[:3])
      for kernel in ("fwd", "dq", "dkv"):
        compiled, errors, failed = {}, {}, {}
        for tiling in fused_tilings(args, kernel):
          t = getattr(tiling, kernel)
          name = f"{kernel} r{t.block_rows} c{t.block_cols} w{t.num_warps} s{t.num_stages}"
          core = fused_core(pos, radius, tiling)
          try:                          # a tiling may not fit the GPU (shared memory, registers)
            compiled[name] = (compile_fwd_and_bwd(core, arrays), tiling)
            errors[name] = relative_error(compiled[name][0][0](*arrays[:3]), want)
          except Exception as e:       # pylint: disable=broad-except
            compiled.pop(name, None)
            failed[name] = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"
            print(f"  {frames} frames {case}, {name}: skipped ({failed[name]})", flush=True)
            continue
        t = time_compiled({n: c for n, (c, _) in compiled.items()}, arrays, args.repeats)
        base_name = next(iter(compiled))
        index = 0 if kernel == "fwd" else 1
        print(f"{frames} frames {case} ({pos.shape[1]} tokens), {kernel} tilings:")
        for name in sorted(t, key=lambda n: t[n][index]):
          tiling = compiled[name][1]
          costs = kernel_costs(pos, args.heads, args.head_dim, radius, tiling, dtype.itemsize)
          fwd = efficiency(costs, t[name][0], ("summary", "fwd"), args.peak_tflops, args.peak_gbps)
          bwd = efficiency(costs, max(t[name][1] - t[name][0], 1e-9), ("dsummary", "dq", "dkv"),
                           args.peak_tflops, args.peak_gbps)
          row = dict(part="fused", frames=frames, tokens=int(pos.shape[1]), case=case, kernel=kernel,
                     tiling=name, fwd_s=t[name][0], fwd_bwd_s=t[name][1],
                     speedup=t[base_name][index] / t[name][index], err_out=errors[name],
                     forward=fwd, backward=bwd, costs=costs)
          rows.append(row)
          print(f"  {name:>22} fwd {1e3 * t[name][0]:7.2f} ms  f+b {1e3 * t[name][1]:7.2f} ms  "
                f"x {row['speedup']:5.2f}  fwd {fwd['tflops']:6.1f} TFLOP/s {fwd['gbps']:7.0f} GB/s  "
                f"bwd {bwd['tflops']:6.1f} TFLOP/s {bwd['gbps']:7.0f} GB/s", flush=True)
        rows += [dict(part="fused", frames=frames, case=case, tiling=n, failed=why)
                 for n, why in failed.items()]
  return rows


def fused_core(positions, radius, tiling):
  def core(q, k, v):
    o_global, o_local = glga_branches_pallas(q, k, q, k, v, positions, radius=radius,
                                             normalize="mean", tiling=tiling)
    return o_global + o_local
  return core


def tilings(args):
  grid = itertools.product(args.block_q, args.block_k, args.num_warps, args.num_stages)
  out = [dict(block_q=q, block_k=k, num_warps=w, num_stages=s) for q, k, w, s in grid]
  default = dict(DEFAULT_TILING) if not args.quick else out[0]
  return [default] + [t for t in out if t != default]


def tiling_name(t):
  return f"q{t['block_q']} k{t['block_k']} w{t['num_warps']} s{t['num_stages']}"


def tiles_part(args, dtype):
  """The window kernel over tilings; ratios are to the current default (the first tiling)."""
  rows = []
  first = tilings(args)[0]
  print("\n== tiles: Pallas window attention, fwd and fwd+bwd per tiling (x = speedup over "
        f"{tiling_name(first)}{', the default' if first == DEFAULT_TILING else ''}) ==")
  for frames in args.frames:
    radius = window_radius(args.window_frames * args.frame_tokens[0] * args.frame_tokens[1])
    (arrays, pos), _ = inputs(frames, args.frame_tokens, args.heads, args.head_dim, dtype, frames)
    want = window_attention_reference(*arrays[:3], pos, radius=radius)
    compiled, errors, failed = {}, {}, {}
    for t in tilings(args):
      name = tiling_name(t)
      core = lambda q, k, v, t=t: window_attention_pallas(q, k, v, pos, radius=radius, **t)
      try:                              # a tiling may not fit the GPU (shared memory, registers)
        compiled[name] = compile_fwd_and_bwd(core, arrays)
        errors[name] = relative_error(compiled[name][0](*arrays[:3]), want)
      except Exception as e:           # pylint: disable=broad-except
        compiled.pop(name, None)
        failed[name] = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"
        print(f"  {frames} frames, {name}: skipped ({failed[name]})", flush=True)
    t = time_compiled(compiled, arrays, args.repeats)
    base = t[tiling_name(tilings(args)[0])]
    print(f"{frames} frames ({pos.shape[1]} tokens, radius {radius}):")
    print(f"  {'tiling':>16} {'fwd ms':>8} {'x fwd':>6} {'f+b ms':>8} {'x f+b':>6} {'err out':>8}")
    for name in sorted(t, key=lambda n: t[n][1]):
      row = dict(part="tiles", frames=frames, tokens=int(pos.shape[1]), tiling=name,
                 fwd_s=t[name][0], fwd_bwd_s=t[name][1], speedup_fwd=base[0] / t[name][0],
                 speedup_fwd_bwd=base[1] / t[name][1], err_out=errors[name])
      rows.append(row)
      print(f"  {name:>16} {1e3 * row['fwd_s']:>8.2f} {row['speedup_fwd']:>6.2f} "
            f"{1e3 * row['fwd_bwd_s']:>8.2f} {row['speedup_fwd_bwd']:>6.2f} {row['err_out']:>8.1e}",
            flush=True)
    rows += [dict(part="tiles", frames=frames, tiling=n, failed=why) for n, why in failed.items()]
  return rows


def main(argv=None):
  args = parse_args(argv)
  t0 = time.time()
  backend = jax.default_backend()
  dtype = jnp.dtype(args.dtype or ("bfloat16" if backend == "gpu" else "float32"))
  print(f"device: {jax.devices()[0].device_kind} ({backend}), jax {jax.__version__}; {dtype.name}, "
        f"{args.heads} heads x {args.head_dim}, m={args.window_frames}, {args.repeats} repeats"
        + ("" if backend == "gpu" else "  [not a GPU: Pallas runs interpreted, times mean nothing]"))
  rows = []
  if args.part in ("impls", "both", "all"):
    rows += impls_part(args, dtype)
  if args.part in ("tiles", "both", "all"):
    rows += tiles_part(args, dtype)
  if args.part in ("fused", "all"):
    rows += fused_part(args, dtype)
  result = dict(device=jax.devices()[0].device_kind, backend=backend, jax=jax.__version__,
                dtype=dtype.name, heads=args.heads, head_dim=args.head_dim,
                frame_tokens=args.frame_tokens, window_frames=args.window_frames,
                repeats=args.repeats, rows=rows, wall_s=time.time() - t0)
  scaffold.write_json(result, args.json, __file__, argv)
  return result


if __name__ == "__main__":
  main()
