"""Does `--config.mesh.context=N` train the same run? The CLI twice, context N on N host devices and
context 1 on one, and every step's loss from both runs' metrics.jsonl side by side.

    python benchmarks/dev/context_parallel_losses.py \\
        --json=docs/cpu_results/context_parallel_cli_losses.json

Each run is `python -m eflow_jax.main --config=CONFIG --workdir=... [--config.mesh.context=N]` in a
fresh work directory, the context-N one with XLA_FLAGS=--xla_force_host_platform_device_count=N. The
report holds both commands as run, every step's loss at full precision (float32 values as JSON
doubles), the stage's token-drop ratio, and the largest absolute and relative differences. The
default config is the EFlow recipe's two stages (token drop, then dense with MVA) on
tests/context_run_config.py at lr 1e-3: at 3e-3 its loss climbs after step 7 and the runs' float32
rounding differences grow with it (2.4e-5 relative at step 9).
tests/test_context_parallel_training.py checks the same equality (and checkpoints across context
sizes) with a tolerance.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top


def run_cli(config: str, workdir: str, context: int) -> dict:
  """One training run through the CLI; its command (as a shell line), wall time and metrics."""
  env = {"JAX_PLATFORMS": "cpu"}
  if context > 1:
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={context}"
  args = ["python", "-m", "eflow_jax.main", f"--config={config}", f"--workdir={workdir}"]
  args += [f"--config.mesh.context={context}"] if context > 1 else []
  began = time.perf_counter()
  done = subprocess.run([sys.executable, *args[1:]], cwd=scaffold.REPO, env={**os.environ, **env},
                        capture_output=True, text=True)
  if done.returncode:
    raise SystemExit(f"context {context} run failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
  with open(os.path.join(workdir, "metrics.jsonl")) as f:
    records = {r["step"]: r for r in map(json.loads, f)}
  shown = " ".join(f"{k}={v}" for k, v in env.items()) + " " + shlex.join(args)
  return {"command": shown, "wall_s": round(time.perf_counter() - began, 1), "records": records}


def compare(one: dict, many: dict, context: int) -> dict:
  """Per-step losses of both runs and their largest differences."""
  if sorted(one) != sorted(many):
    raise SystemExit(f"the runs logged different steps: {sorted(one)} vs {sorted(many)}")
  rows = []
  for step in sorted(one):
    a, b = one[step]["loss"], many[step]["loss"]
    rows.append({"step": step, "drop_ratio": one[step].get("drop_ratio"), "loss_context_1": a,
                 f"loss_context_{context}": b, "abs_diff": abs(a - b), "rel_diff": abs(a - b) / abs(a)})
  return {"steps": rows, "max_abs_diff": max(r["abs_diff"] for r in rows),
          "max_rel_diff": max(r["rel_diff"] for r in rows)}


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--config", default="tests/context_run_config.py:steps=10,lr=0.001",
                      help="run config (repo-relative), as --config of eflow_jax.main")
  parser.add_argument("--context", type=int, default=4, help="mesh.context of the split run (= host devices)")
  parser.add_argument("--workdir", default=None, help="where the two runs go (default: a temporary folder)")
  scaffold.add_report_flag(parser, "context_parallel_cli_losses")
  args = parser.parse_args(argv)
  if args.context < 2:
    raise SystemExit(f"--context={args.context}: give a context size of at least 2 to compare with 1.")
  root = args.workdir or tempfile.mkdtemp(prefix="context_parallel_losses_")
  runs = {}
  for context in (1, args.context):
    workdir = os.path.join(root, f"context_{context}")
    if os.path.exists(workdir):
      raise SystemExit(f"{workdir} exists; give a fresh --workdir (a resumed run would log other steps).")
    runs[context] = run_cli(args.config, workdir, context)
  result = compare(runs[1].pop("records"), runs[args.context].pop("records"), args.context)
  print(f"{len(result['steps'])} steps: max |loss difference| {result['max_abs_diff']:.3g} "
        f"(relative {result['max_rel_diff']:.3g}), context {args.context} vs 1")
  scaffold.write_json({"runs": {f"context_{c}": r for c, r in runs.items()},
                       "device": f"cpu: {args.context} host devices vs 1", **result}, args.json)


if __name__ == "__main__":
  main()
