"""Where the demo's train step spends its time: rates, MFU and an op-level trace.

    python benchmarks/dev/step_profile.py [--config=configs/demo.py] [--rounds=5] [--steps=4]
        [--trace_steps=5] [--json=benchmarks/results/step_profile.json]

Programs (the full jitted train step, `train_throughput.Program`, on a fixed random batch of the
config's batch size): the config's curriculum stages (demo: stage 1 sparse, 75% token drop, FM:SCM
0.75:0.25 with PDG; stage 2 dense with MVA) and plain FM on the same model (dense, ratios (1, 0, 0),
guidance_target 'none': one network pass per example, Tab. 2's FM row). Timed in interleaved rounds
(medians); GFLOP/s and MFU as in train_throughput.py (FLOPs of the unrolled twin, MFU against a
large f32 jnp.dot measured in this process).

Beside them, per step: the host's share (a jitted identity on the donated state: dispatch and
buffer handling without compute) and the data pipeline's rate (the real Moving MNIST iterator,
batches per second, with its prefetch threads).

The trace: `jax.profiler` records `--trace_steps` steps of each stage program; the XLA CPU runtime
emits one event per executed HLO op (fusion) on its worker threads. Each op is classed from the
compiled HLO of its program (what its fused computation contains: dot / convolution = matmul,
rng, gather / scatter / dynamic slices, reduce, transcendental elementwise, pure data movement,
other elementwise) and its time summed; a second view sums it by model part, read from the op's
`op_name` metadata (the Flax module path JAX records: self_attn / ffn / LayerNorm ...).
`busy` = op time / (cores x wall time), cores = the worker threads seen, at most os.cpu_count()
(XLA runs ops on its Eigen pool and on the PjRt client threads, more threads than cores): the rest
is the runtime waiting between ops, and host work.
"""
from __future__ import annotations

import argparse
import collections
import glob
import gzip
import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

import jax  # pylint: disable=g-import-not-at-top

from benchmarks import scaffold
from benchmarks.paper import train_throughput
from eflow_jax.data import pipeline
from eflow_jax.train import curriculum

MOVES = {"copy", "transpose", "bitcast", "parameter", "broadcast", "constant", "reshape", "tuple",
         "get-tuple-element", "concatenate", "slice", "pad", "iota", "select", "compare", "convert"}
TRANSCENDENTAL = {"exponential", "log", "tanh", "logistic", "rsqrt", "sqrt", "power", "divide", "sine",
                  "cosine", "exponential-minus-one", "log-plus-one", "erf"}
SLICING = {"gather", "scatter", "dynamic-slice", "dynamic-update-slice"}
# Model parts by `op_name` metadata, first match wins (module names of eflow_jax/models/).
PARTS = (("window_attention", "attention: local window branch (jnp reference)"),
         ("self_attn/qkv", "attention: qkv projection + q/k norms"),
         ("self_attn/", "attention: the rest (window padding, linear branch, gate, output)"),
         ("cross_attn/", "cross-attention"),
         ("ffn/", "FFN"),
         ("LayerNorm", "LayerNorms + AdaLN modulation"), ("adaln", "LayerNorms + AdaLN modulation"))


# ------------------------------------------------------------------------------------------------
# HLO op classes.
# ------------------------------------------------------------------------------------------------
def hlo_index(hlo_text: str):
  """(computation -> its body, instruction -> (opcode, called computations)) of an HLO module."""
  bodies = {m.group(1): m.group(2) for m in
            re.finditer(r"^(?:ENTRY )?%?([\w.\-]+) [^\n]*\{\n(.*?)\n\}", hlo_text, re.S | re.M)}
  instructions = {}
  for line in hlo_text.splitlines():
    m = re.match(r"\s*(?:ROOT )?%?([\w.\-]+) = (.*)", line)
    if m:
      rest, _, metadata = m.group(2).partition(", metadata")
      op = re.search(r"\s([a-z][\w\-]*)\(", " " + rest)
      calls = re.findall(r"(?:calls|to_apply)=%?([\w.\-]+)", rest)
      op_name = re.search(r'op_name="([^"]*)"', metadata)
      instructions[m.group(1)] = (op.group(1) if op else "?", calls, op_name.group(1) if op_name else "")
  return bodies, instructions


def model_part(op_name: str) -> str:
  for key, part in PARTS:
    if key in op_name:
      return part
  return "everything else (embeddings, patchify, loss, optimizer, EMA, RNG, NaN guard)"


def op_class(name: str, bodies: dict, instructions: dict) -> str | None:
  """The class of HLO instruction `name` by the opcodes it executes (None: not in this module)."""
  if name not in instructions:
    return None
  op, calls, _ = instructions[name]
  ops, todo, seen = {op}, list(calls), set()
  while todo:
    comp = todo.pop()
    if comp in seen:
      continue
    seen.add(comp)
    body = bodies.get(comp, "")
    ops |= set(re.findall(r"= \S+ ([a-z][\w\-]*)\(", body))
    todo += re.findall(r"(?:calls|to_apply)=%?([\w.\-]+)", body)
  ops -= {"fusion", "call"}
  if ops & {"dot", "convolution"}:
    return "matmul"
  if ops & {"rng-bit-generator", "rng"}:
    return "rng"
  if ops & SLICING:
    return "gather/scatter/slices"
  if ops & {"reduce", "reduce-window"}:
    return "reductions"
  if ops & TRANSCENDENTAL:
    return "elementwise (transcendental)"
  if ops <= MOVES:
    return "data movement (copy/transpose/concat)"
  return "elementwise (other)"


def trace_breakdown(trace_dir: str, hlo_text: str, steps: int, wall_s: float) -> dict:
  """Op time per class (ms per step) from a jax.profiler trace of `steps` steps of one program."""
  path = glob.glob(os.path.join(trace_dir, "plugins", "profile", "*", "*.trace.json.gz"))[0]
  with gzip.open(path) as f:
    events = json.load(f)["traceEvents"]
  threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
  bodies, instructions = hlo_index(hlo_text)
  ms, parts, workers = collections.defaultdict(float), collections.defaultdict(float), set()
  for e in events:
    thread = threads.get((e.get("pid"), e.get("tid")), "")
    if "dur" not in e or not thread.startswith("tf_XLA"):
      continue
    kind = op_class(e["name"], bodies, instructions)
    if kind is not None:             # runtime bookkeeping (ThunkExecutor, thread pools) is not an op
      ms[kind] += e["dur"] / 1e3 / steps
      parts[model_part(instructions[e["name"]][2])] += e["dur"] / 1e3 / steps
      workers.add(thread)
  total = sum(ms.values())
  cores = min(len(workers), os.cpu_count() or len(workers))
  return {"op_ms_per_step": total, "worker_threads": len(workers), "cores": cores,
          "busy": total / (cores * wall_s * 1e3 / steps) if workers else None,
          "classes": {k: {"ms_per_step": v, "share": v / total} for k, v in
                      sorted(ms.items(), key=lambda kv: -kv[1])},
          "parts": {k: {"ms_per_step": v, "share": v / total} for k, v in
                    sorted(parts.items(), key=lambda kv: -kv[1])}}


# ------------------------------------------------------------------------------------------------
# Programs.
# ------------------------------------------------------------------------------------------------
def programs(config):
  """{name: (config, StepSettings)}: the curriculum's stages and plain FM on the same model."""
  stages = curriculum.build_stages(config.curriculum, config.total_steps)
  out = {}
  for stage in stages:
    out[f"stage {stage.name}"] = (config, curriculum.step_settings(stages, stage.start))
  fm = scaffold.with_overrides(config, {"flow.objective": "fm", "flow.guidance_target": "none"})
  out["plain FM (dense)"] = (fm, curriculum.StepSettings(0.0, (1.0, 0.0, 0.0)))
  return out


def host_overhead(program, rounds: int, steps: int) -> float:
  """Seconds per call of a jitted identity on the donated state: the host's per-step floor."""
  identity = jax.jit(lambda s: s, donate_argnums=0)
  state = jax.tree.map(lambda x: x.copy(), program.state)
  state = identity(state)
  jax.block_until_ready(state)
  best = float("inf")
  for _ in range(rounds):
    t = time.perf_counter()
    for _ in range(steps * 10):
      state = identity(state)
    jax.block_until_ready(state)
    best = min(best, (time.perf_counter() - t) / (steps * 10))
  return best


def data_rate(config, batches: int = 40) -> float:
  """Batches per second of the real train iterator (after its first batch)."""
  it = pipeline.make_train_iterator(config.data, model_kind="class" if config.model.num_classes else "text",
                                    seed=config.seed)
  next(it)
  t = time.perf_counter()
  for _ in range(batches):
    next(it)
  return batches / (time.perf_counter() - t)


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--config", default="configs/demo.py")
  parser.add_argument("--rounds", type=int, default=5)
  parser.add_argument("--steps", type=int, default=4, help="steps per program per round")
  parser.add_argument("--trace_steps", type=int, default=5, help="0 = no trace")
  scaffold.add_report_flag(parser, "step_profile")
  args = parser.parse_args(argv)
  began = time.time()
  config = scaffold.load(args.config)
  batch = config.data.batch_size
  compiled = {}
  for name, (cfg, settings) in programs(config).items():
    compiled[name] = train_throughput.Program(cfg, settings, batch, "lowered")
    print(f"compiled {name} in {compiled[name].compile_s:.0f} s", flush=True)
  peak = scaffold.matmul_peak()
  times = scaffold.interleaved({n: p.timed(args.steps) for n, p in compiled.items()}, args.rounds)
  peak = max(peak, scaffold.matmul_peak())
  rows = []
  for name, program in compiled.items():
    s = scaffold.median(times[name])
    row = {"name": name, "steps_per_s": 1 / s, "samples_per_s": batch / s,
           "spread": scaffold.spread(times[name]), "gflop_per_step": program.flops / 1e9 if program.flops else None, "compile_s": program.compile_s}
    row["mfu"] = program.flops / s / peak if program.flops else None
    if args.trace_steps and name.startswith("stage"):
      with tempfile.TemporaryDirectory() as trace_dir:
        jax.profiler.start_trace(trace_dir)
        t = time.perf_counter()
        program.timed(args.trace_steps)()
        wall = time.perf_counter() - t
        jax.profiler.stop_trace()
        row["trace"] = trace_breakdown(trace_dir, program.step.as_text(), args.trace_steps, wall)
    rows.append(row)
  first = next(iter(compiled.values()))
  result = {"device": scaffold.device_line(), "config": args.config,
            "batch": batch, "matmul_peak_gflops": peak / 1e9, "rows": rows,
            "host_ms_per_step": 1e3 * host_overhead(first, args.rounds, args.steps),
            "data_batches_per_s": data_rate(config), "wall_s": time.time() - began}
  print(scaffold.device_line())
  print(f"matmul peak {peak / 1e9:.0f} GFLOP/s; host floor {result['host_ms_per_step']:.2f} ms/step; data "
        f"pipeline {result['data_batches_per_s']:.0f} batches/s")
  print(scaffold.table(rows, [
      ("program", 20, lambda r: r["name"]), ("steps/s", 8, lambda r: f"{r['steps_per_s']:.2f}"),
      ("samples/s", 10, lambda r: f"{r['samples_per_s']:.1f}"), ("spread", 7, lambda r: f"{r['spread']:.0%}"),
      ("GFLOP/step", 11, lambda r: scaffold.fmt(r["gflop_per_step"], ".2f")),
      ("MFU", 6, lambda r: scaffold.fmt(r["mfu"], ".0%")),
      ("busy", 6, lambda r: scaffold.fmt(r.get("trace", {}).get("busy"), ".0%"))]))
  for row in rows:
    if "trace" in row:
      print(f"{row['name']}: op time {row['trace']['op_ms_per_step']:.0f} ms/step on "
            f"{row['trace']['cores']} cores ({row['trace']['worker_threads']} XLA threads): " + ", ".join(
                f"{k} {v['share']:.0%}" for k, v in row["trace"]["classes"].items()))
      parts = row["trace"]["parts"].items()
      print("  by model part: " + ", ".join(f"{k} {v['share']:.0%}" for k, v in parts))
  scaffold.write_json(result, args.json, __file__, argv)


if __name__ == "__main__":
  main()
