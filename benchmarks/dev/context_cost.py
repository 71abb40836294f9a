"""What context parallelism costs at EFlow-1.5B scale, read from compiled programs (nothing runs):
per-device collective bytes of one forward + backward of the network for one clip, checked against
the closed form of benchmarks/dev/context_cost_model.py, and per-device activation memory
(XLA's memory analysis), for GLGA as shipped vs the same model with full softmax in every block
(whose context parallelism all-gathers K and V), over 1, 2, 4, 8 context devices.

    python benchmarks/dev/context_cost.py [--sizes=32k,75k,150k] [--contexts=1,2,4,8] \
        [--attention=glga,softmax] [--json=docs/cpu_results/context_parallel_cost.json]

Each point is compiled by benchmarks/dev/context_cost_worker.py in a subprocess with
XLA_FLAGS=--xla_force_host_platform_device_count=N (host devices: the HLO's collectives and buffers
are the partitioned program's, whatever the device kind). The report is rewritten after each
point and points already in it are skipped, so an interrupted run resumes. `--table` prints the
markdown table of an existing report without compiling anything.

On a CPU the attention cores are the jnp references (attention_impl 'auto' picks the Pallas kernels
on a GPU only): the collectives are the same ops either way, but the temporaries are the references'
(the window reference gathers each query block's key span), so memory is compared across N, not
read as a GPU's footprint.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top
from benchmarks.dev import context_cost_model as closed
from benchmarks.dev.context_cost_worker import CONFIG, build_model
from benchmarks.dev.hlo_collectives import KINDS

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "context_cost_worker.py")
# Wan 2.1 VAE (4x temporal, 8x spatial; latent T = (frames - 1) / 4 + 1), patch 1x2x2 -> token grid.
# T is a multiple of 8 (so 1, 2, 4, 8 devices split it) with >= 3 frames per shard at 8 (the window
# of 6 frames needs a halo of 3); the 480p frame is the shipped stage-2/3 frame (configs/t2v_480p.py).
GEOMETRIES = {
    "32k": dict(grid=(24, 28, 48), video="93 frames x 448 x 768"),
    "75k": dict(grid=(48, 30, 52), video="189 frames x 480 x 832"),
    "150k": dict(grid=(96, 30, 52), video="381 frames x 480 x 832"),
}
NOTES = {
    "program": "jax.value_and_grad of mean(F^2) over the params, F the per-example net "
               "(models/per_example.py) vmapped over a batch of 1 clip, dense (no token drop); "
               "lowered and compiled only, on XLA:CPU with N host devices, mesh (data, fsdp, context) = (1, 1, N)",
    "wire_bytes": "bytes one device sends per step, ring algorithms: all-reduce 2(N-1)/N S, all-gather and "
                  "reduce-scatter (N-1)/N S (S the gathered / unscattered size), collective-permute S",
    "closed_form": "benchmarks/dev/context_cost_model.py; 'of which attention' = linear summaries + window "
                   "halos + softmax K/V all-gathers and their reduce-scatters (the rest: parameter gradients, loss)",
    "memory": "compiled.memory_analysis() per device; temp is XLA:CPU's buffers for the jnp reference "
              "attention (attention_impl 'auto' on a CPU), or for the Pallas kernels in interpret mode "
              "(rows with attention_impl=pallas); neither is a GPU footprint",
}
# LLVM's optimisation level does not change the HLO, its collectives or its buffer assignment; at 0
# the compile is faster on a shared 2-core machine.
XLA_EXTRA = "--xla_backend_optimization_level=0"


def run_point(size: str, context: int, attention: str, timeout_s: int, sets=()) -> dict:
  """Compiles one point in a fresh process; its JSON line, or {'error': ...}."""
  env = {**os.environ, "JAX_PLATFORMS": "cpu",
         "XLA_FLAGS": f"--xla_force_host_platform_device_count={context} {XLA_EXTRA}"}
  grid = ",".join(map(str, GEOMETRIES[size]["grid"]))
  cmd = [sys.executable, WORKER, f"--grid={grid}", f"--context={context}", f"--attention={attention}"] + [
      f"--set={s}" for s in sets]
  t0 = time.perf_counter()
  try:
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout_s)
  except subprocess.TimeoutExpired:
    return dict(error=f"compile did not finish in {timeout_s} s")
  lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
  if done.returncode or not lines:
    return dict(error=done.stderr.strip().splitlines()[-1][:300] if done.stderr.strip() else f"rc {done.returncode}")
  return {**json.loads(lines[-1]), "wall_s": time.perf_counter() - t0}


def with_closed_form(point: dict) -> dict:
  """The point with the closed form's bytes and the HLO / closed-form ratios per collective kind."""
  if "collectives" not in point:
    return point
  model, _ = build_model(CONFIG, point["attention"], point.get("overrides", {}))
  predicted = closed.context_collectives(model, tuple(point["grid"]), point["context"],
                                         param_count=point["param_count"])
  ratios = {}
  for kind in KINDS + ("total",):
    measured, expected = point["collectives"][kind]["wire_bytes"], predicted[kind]["wire_bytes"]
    ratios[kind] = measured / expected if expected else (None if measured else 1.0)
  return {**point, "closed_form": predicted, "hlo_over_closed_form": ratios}


def variant(point: dict) -> str:
  """The model's name in the table: its attention, and any --set override."""
  return " ".join([point["attention"]] + [f"{k}={v}" for k, v in sorted(point.get("overrides", {}).items())])


def markdown_table(points: list) -> str:
  """The results page's table: per size, model and N: collective GB per device per step (HLO and
  closed form), the attention part of it, temp memory and its ratio to N = 1."""
  points = [p for p in points if "memory" in p]
  base = {(p["tokens"], variant(p)): p["memory"]["temp_size_in_bytes"] for p in points if p["context"] == 1}
  lines = ["| tokens (T x H x W) | model | N | collectives / device / step, GB (HLO) | closed form, GB | "
           "HLO / closed | of which attention, GB | temp memory / device, GB | temp(N) / temp(1) |",
           "|---|---|---|---|---|---|---|---|---|"]
  for p in sorted(points, key=lambda p: (p["tokens"], variant(p), p["context"])):
    hlo, cf = p["collectives"]["total"]["wire_bytes"], p["closed_form"]["total"]["wire_bytes"]
    attention_part = sum(t["wire_bytes"] for name, t in p["closed_form"]["terms"].items()
                         if name not in ("parameter gradients", "loss"))
    temp = p["memory"]["temp_size_in_bytes"]
    ref = base.get((p["tokens"], variant(p)))
    grid = " x ".join(map(str, p["grid"]))
    lines.append(f"| {p['tokens']:,} ({grid}) | {variant(p)} | {p['context']} | {hlo / 1e9:.3f} | {cf / 1e9:.3f} | "
                 f"{scaffold.fmt(hlo / cf if cf else None, '.4f')} | {attention_part / 1e9:.3f} | {temp / 1e9:.1f} | "
                 f"{scaffold.fmt(temp / ref if ref else None, '.3f')} |")
  return "\n".join(lines)


def merge_reports(paths, out: str) -> None:
  """One report from several runs' (each point keeps the run that measured it: `measured_by`)."""
  points, runs = [], []
  for path in paths:
    report = json.load(open(path))
    run = {k: report[k] for k in ("command", "commit", "uncommitted_changes", "date")}
    runs.append(run)
    points += [{**with_closed_form(p), "measured_by": len(runs) - 1} for p in report["points"]]
  key = lambda p: (p["size"], p["context"], p["attention"], tuple(p.get("sets", ())))
  measured = {key(p) for p in points if "error" not in p}
  points = [p for p in points if "error" not in p or key(p) not in measured]   # a failed try, measured later
  points.sort(key=lambda p: (p.get("tokens", 0), p["attention"], p["context"]))
  report = dict(notes=NOTES, geometries=GEOMETRIES, config=CONFIG, xla_flags_extra=XLA_EXTRA, runs=runs,
                points=points, table=markdown_table(points))
  scaffold.write_json(report, out)
  print(markdown_table(points))


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--sizes", default="32k,75k,150k")
  parser.add_argument("--contexts", default="4,1,2,8", help="compiled in this order within a size")
  parser.add_argument("--attention", default="glga,softmax")
  parser.add_argument("--set", action="append", default=[], help="model field override KEY=VALUE, e.g. "
                      "attention_impl=pallas (the GPU kernels, in interpret mode on a CPU)")
  parser.add_argument("--timeout", type=int, default=1500, help="seconds per compile")
  parser.add_argument("--table", action="store_true", help="print the table of --json's report; compile nothing")
  parser.add_argument("--merge", nargs="+", default=(), help="reports of runs split over processes: their "
                      "points, with the closed form recomputed, become --json's report; compile nothing")
  scaffold.add_report_flag(parser, "context_parallel_cost")
  args = parser.parse_args(argv)
  if args.merge:
    merge_reports(args.merge, args.json)
    return
  report = json.load(open(args.json)) if args.json and os.path.exists(args.json) else {}
  points = report.get("points", [])
  unknown = sorted(set(args.sizes.split(",")) - set(GEOMETRIES))
  if unknown:
    raise SystemExit(f"--sizes: unknown {unknown[0]!r}; choose from {', '.join(GEOMETRIES)}")
  if not args.table:
    done = {(p["size"], p["context"], p["attention"], tuple(p.get("sets", ()))) for p in points}
    for size in args.sizes.split(","):
      for context in map(int, args.contexts.split(",")):
        for attention in args.attention.split(","):
          if (size, context, attention, tuple(args.set)) in done:
            continue
          point = {"size": size, **run_point(size, context, attention, args.timeout, args.set), "context": context,
                   "attention": attention, "sets": args.set}
          points.append(with_closed_form(point))
          print(json.dumps({k: point.get(k) for k in ("size", "context", "attention", "compile_s", "error")}),
                flush=True)
          scaffold.write_json(dict(geometries=GEOMETRIES, config=CONFIG, xla_flags_extra=XLA_EXTRA, points=points),
                              args.json, announce=False)
  print(markdown_table([with_closed_form(p) for p in points]))


if __name__ == "__main__":
  main()
