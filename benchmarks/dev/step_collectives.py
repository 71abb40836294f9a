"""How often does a real train step all-reduce the parameter gradient over `context`? The CLI trains
a few steps with --config.mesh.context=N on N host devices with XLA's HLO dump on, and each stage's
compiled train step is read with benchmarks/dev/hlo_collectives.py: its all-reduce bytes against the
parameters' bytes.

    python benchmarks/dev/step_collectives.py [--repo=PATH] \\
        --json=docs/cpu_results/context_step_allreduce.json

The objective calls the differentiated network several times per example (the FM and SCM terms,
MVA; eflow_jax/flow/losses.py). An all-reduce per call sends the gradient that many times; once per
step is the least a replicated model can send. The rest of the all-reduced bytes are GLGA's
per-block summaries and the losses (benchmarks/dev/context_cost_model.py), small here.
--repo runs another checkout of this project (e.g. a git worktree of an earlier commit) with this
script's parser; the report records that checkout's commit.
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top
from benchmarks.dev import hlo_collectives

_TOTAL = re.compile(r"^Total: [\d,]+ -- ([\d,]+) bytes", re.M)


def train_with_dump(repo: str, config: str, context: int, root: str) -> dict:
  """Runs the CLI in `repo`; (the command as a shell line, the dump folder, the workdir)."""
  dump, workdir = os.path.join(root, "hlo"), os.path.join(root, "run")
  env = {"JAX_PLATFORMS": "cpu", "XLA_FLAGS": f"--xla_force_host_platform_device_count={context} "
                                              f"--xla_dump_to={dump} --xla_dump_hlo_as_text"}
  args = ["python", "-m", "eflow_jax.main", f"--config={config}", f"--config.mesh.context={context}",
          f"--workdir={workdir}"]
  done = subprocess.run([sys.executable, *args[1:]], cwd=repo, capture_output=True, text=True,
                        env={**os.environ, **env, "PYTHONPATH": repo})
  if done.returncode:
    raise SystemExit(f"the run failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
  commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
  shown = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " " + shlex.join(args)
  return {"command": shown, "repo_commit": commit, "dump": dump, "workdir": workdir}


def step_rows(dump: str, context: int, parameter_bytes: int) -> list:
  """One row per compiled train step (one per curriculum setting): all-reduce bytes and ops."""
  rows = []
  for path in sorted(glob.glob(os.path.join(dump, "*jit_train_step*cpu_after_optimizations.txt"))):
    ops = hlo_collectives.collective_ops(open(path).read(), context)
    reduced = [op["payload"] * op["executions"] for op in ops if op["kind"] == "all-reduce"]
    rows.append({"module": os.path.basename(path).split(".")[0], "all_reduce_ops": len(reduced),
                 "all_reduce_payload_bytes": sum(reduced), "largest_all_reduce_bytes": max(reduced),
                 "all_reduce_over_parameter_bytes": sum(reduced) / parameter_bytes,
                 "collectives": hlo_collectives.summarize(ops)})
  if not rows:
    raise SystemExit(f"no compiled train step in {dump}")
  return rows


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--config", default="tests/context_run_config.py:steps=4",
                      help="run config, as --config of eflow_jax.main (the EFlow recipe's two stages)")
  parser.add_argument("--context", type=int, default=2)
  parser.add_argument("--repo", default=scaffold.REPO, help="checkout whose eflow_jax trains")
  scaffold.add_report_flag(parser, "context_step_allreduce")
  args = parser.parse_args(argv)
  if args.context < 2:
    raise SystemExit(f"--context={args.context}: context parallelism needs at least 2.")
  began = time.perf_counter()
  run = train_with_dump(os.path.abspath(args.repo), args.config, args.context, tempfile.mkdtemp(prefix="step_ar_"))
  overview = open(os.path.join(run["workdir"], "parameters.txt")).read()
  parameter_bytes = int(_TOTAL.search(overview).group(1).replace(",", ""))
  rows = step_rows(run.pop("dump"), args.context, parameter_bytes)
  for r in rows:
    print(f"{r['module']}: {r['all_reduce_ops']} all-reduces, {r['all_reduce_payload_bytes']:,} bytes = "
          f"{r['all_reduce_over_parameter_bytes']:.3f} x the parameters' {parameter_bytes:,}")
  scaffold.write_json({"run": run, "parameter_bytes": parameter_bytes, "steps": rows,
                       "wall_s": round(time.perf_counter() - began, 1)}, args.json)


if __name__ == "__main__":
  main()
