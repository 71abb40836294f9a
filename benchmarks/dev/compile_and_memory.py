"""Compile time and memory of the EFlow train step vs depth (scan vs unrolled), and step throughput
vs number of devices (fake CPU devices, data x fsdp).

    python benchmarks/dev/compile_and_memory.py [--depths=4,14,28] [--devices=1,2,4,8] [--rounds=3]

Part 1 compiles the full train step (FM + SCM + PDG + token drop, the stage-1 program) of models
with 4, 14 and 28 blocks (encoder / middle / decoder = 1/2/1, 2/10/2, 3/22/3; softmax every 4th
block) with `model.scan_blocks` on and off, and reports XLA compile time (persistent cache off)
and the compiled program's memory (arguments + outputs + temporaries, from memory_analysis).
Part 2 runs the 4-block step on meshes over 1, 2, 4, 8 of 8 fake CPU devices (data parallel, and
8 devices with fsdp 2 and 8), rounds interleaved in one process, and reports samples/s and the ratio to 1
device. Results go to benchmarks/results/compile_and_memory.json.
"""
import os
import sys

os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_force_host_platform_device_count=8").strip()
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import argparse
import time

import jax

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top
from eflow_jax import sharding
from eflow_jax.data import pipeline
from eflow_jax.train import curriculum, run_setup
from eflow_jax.train.step import make_train_step

SPLITS = {4: (1, 2, 1), 14: (2, 10, 2), 28: (3, 22, 3)}


def bench_config(depth: int, scan: bool, batch: int = 16):
  """The demo model and geometry at the given depth. batch 16: the throughput part uses 64."""
  config = scaffold.load("configs/demo.py")
  enc, mid, dec = SPLITS[depth]
  config.model.update(encoder_blocks=enc, middle_blocks=mid, decoder_blocks=dec, softmax_every=4,
                      scan_blocks=scan)
  config.data.update(batch_size=batch, num_threads=0, prefetch=0)
  return config


def program(config, devices, fsdp: int = 1):
  """(jitted step, state, batch) of the stage-1 step on a data x fsdp mesh over `devices`."""
  config.mesh.update(data=-1, fsdp=fsdp, dcn_data=1, dcn_fsdp=1)
  mesh = sharding.make_mesh(config.mesh, devices)
  model, stages, shape, optimizer, lr = run_setup.build(config, read_data=False)
  state, shardings = run_setup.fresh_state(config, model, optimizer, shape, mesh)
  step = make_train_step(model, optimizer, config.flow, curriculum.step_settings(stages, 0),
                         config.total_steps, config.ema_decay, lr, state_shardings=shardings,
                         batch_sharding=sharding.batch_sharding(mesh, config.sharding, 1),
                         metrics_sharding=sharding.replicated(mesh),
                         group_multiple=sharding.data_parallel_size(mesh))
  batch = next(pipeline.make_train_iterator(config.data, model_kind="class", seed=0))
  return step, state, sharding.global_batch(batch, mesh, config.sharding)


def compile_stats(depth: int, scan: bool) -> dict:
  step, state, batch = program(bench_config(depth, scan), jax.devices()[:1])
  t0 = time.perf_counter()
  lowered = step.lower(state, batch)
  t1 = time.perf_counter()
  compiled = lowered.compile()
  t2 = time.perf_counter()
  mem = compiled.memory_analysis()
  total = (mem.argument_size_in_bytes + mem.output_size_in_bytes + mem.temp_size_in_bytes
           - mem.alias_size_in_bytes)
  return dict(depth=depth, scan=scan, trace_s=t1 - t0, compile_s=t2 - t1,
              memory_mb=total / 2**20, temp_mb=mem.temp_size_in_bytes / 2**20)


def throughput(meshes, rounds: int, steps: int = 5) -> dict:
  """meshes: 'N' (N devices, data parallel) or 'NxF' (N devices, fsdp F) -> samples/s."""
  def build(spec):
    n, _, f = spec.partition("x")
    return list(program(bench_config(4, True, batch=64), jax.devices()[:int(n)], int(f or 1)))
  runs = {spec: build(spec) for spec in meshes}
  counts = list(meshes)
  for run in runs.values():                      # compile + warm up
    run[1], metrics = run[0](run[1], run[2])
    jax.block_until_ready(metrics)

  def timed(run):
    def seconds_per_step():
      t = time.perf_counter()
      for _ in range(steps):
        run[1], metrics = run[0](run[1], run[2])
      jax.block_until_ready(metrics)
      return (time.perf_counter() - t) / steps
    return seconds_per_step
  seconds = scaffold.interleaved({n: timed(run) for n, run in runs.items()}, rounds)
  batch = runs[counts[0]][2]["x"].shape[0]
  return {n: batch / scaffold.median(s) for n, s in seconds.items()}


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--depths", default="4,14,28")
  parser.add_argument("--devices", default="1,2,4,8,8x2,8x8")
  parser.add_argument("--rounds", type=int, default=3)
  scaffold.add_report_flag(parser, "compile_and_memory")
  args = parser.parse_args(argv)
  began = time.time()
  jax.config.update("jax_enable_compilation_cache", False)
  depths = [int(d) for d in args.depths.split(",") if d]          # --depths= skips part 1
  results = {"compile": [], "throughput": {}}

  if depths:
    print(f"{'depth':>5} {'scan':>5} {'trace s':>8} {'compile s':>9} {'memory MB':>9} {'temp MB':>8}")
  for depth in depths:
    for scan in (False, True):
      r = compile_stats(depth, scan)
      results["compile"].append(r)
      print(f"{depth:>5} {str(scan):>5} {r['trace_s']:8.2f} {r['compile_s']:9.2f} "
            f"{r['memory_mb']:9.1f} {r['temp_mb']:8.1f}", flush=True)
  for scan in (False, True):
    rows = {r["depth"]: r for r in results["compile"] if r["scan"] == scan}
    if depths and min(depths) in rows and max(depths) in rows:
      lo, hi = rows[min(depths)], rows[max(depths)]
      ratio = (hi["trace_s"] + hi["compile_s"]) / (lo["trace_s"] + lo["compile_s"])
      results[f"compile_ratio_scan_{scan}"] = ratio
      print(f"scan={scan}: trace+compile of {max(depths)} blocks / {min(depths)} blocks = {ratio:.2f}x")

  counts = args.devices.split(",")
  rates = throughput(counts, args.rounds)
  print(f"\nsamples/s of the 4-block step (batch 64), median of {args.rounds} interleaved rounds:")
  for n, rate in rates.items():
    n_dev, _, fsdp = n.partition("x")
    print(f"  {n_dev} device(s), fsdp {fsdp or 1}: {rate:7.2f} samples/s  "
          f"({rate / rates[counts[0]]:.2f}x of {counts[0]} device)")
  results["throughput"] = {str(n): r for n, r in rates.items()}
  results["wall_s"] = time.time() - began
  scaffold.write_json(results, args.json, __file__, argv)


if __name__ == "__main__":
  main()
