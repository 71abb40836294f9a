"""Trains several ablation rows at once on one accelerator, within a deadline, and packs for the trip
back what the CPU machine needs to score them (benchmarks/gpu/ablation_rows.sh runs it on a GPU).

  python benchmarks/sweeps/train_rows_parallel.py --rows=attention_baselines:sla95_fm,mva_study:mva_grid_1 \\
      --score_here=mva_study:mva_grid_1 --root=/tmp/abl --out=$OUT --deadline_s=450

Why: a CPU-scale row trains in about 45 minutes on the 2-core machine and in minutes on a GPU, where
one such small model leaves the chip mostly idle, so every training runs in its own process at once.
Rows that differ only in how they are sampled share one training (ablation_sweep.training_key).

Per training, when it reaches its step budget before the deadline:
  - rows in --score_here are scored on this machine by ablation_sweep.py itself (eval, still,
    curve; no I3D unless --override asks), and their reports come back in results.tgz;
  - the others (and those whose scoring failed or ran out of time) come back as an export of their
    EMA weights plus metrics.jsonl (export_<key>.tgz, a quarter of a checkpoint): untar it into the
    sweep's --root and the sweep scores it there (with I3D, whose weights do not fit the trip)
    without training.
A training stopped by the deadline (SIGTERM: the trainer writes a checkpoint) comes back as its
newest checkpoint in parts of at most 15 MiB (ckpt_<key>.tgz.partNN), while the file limits allow,
in --rows order; the CPU machine resumes it (`cat` the parts, untar into the sweep's workdir).
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks.scaffold import REPO  # noqa: E402
from benchmarks.sweeps.ablation_sweep import training_key  # noqa: E402
from benchmarks.sweeps.sweep_rows import selected_rows  # noqa: E402
from eflow_jax import config_lib  # noqa: E402

PART_BYTES = 15 * 2**20          # the device tool brings back files of at most 16 MiB
MAX_FILES, MAX_BYTES = 8, 62 * 2**20     # ... at most 8 of them, 64 MiB together


def trainings(rows_arg: str, steps: int | None) -> dict:
  """{training key: (the config argument of its first row, [TABLE:ROW, ...], total_steps)}."""
  tables = sorted({r.split(":")[0] for r in rows_arg.split(",") if r})
  groups = {}
  for name, path in selected_rows(tables, rows_arg):
    config = config_lib.load_config(f"{path}:{name.split(':')[1]}")
    if steps:
      config.total_steps = steps
    key = training_key(config)
    groups.setdefault(key, (f"{path}:{name.split(':')[1]}", [], config.total_steps))[1].append(name)
  return groups


def newest_step(workdir: str) -> int | None:
  steps = [int(d) for d in os.listdir(os.path.join(workdir, "checkpoints")) if d.isdigit()] \
      if os.path.isdir(os.path.join(workdir, "checkpoints")) else []
  return max(steps) if steps else None


def run_training(key, config_arg, rows, total_steps, args, status):
  workdir = os.path.join(args.root, "train_" + key)
  log = open(os.path.join(args.root, f"train_{key}.log"), "a")
  remaining = args.deadline_s - (time.time() - args.started)
  steps = [f"--config.total_steps={args.steps}"] if args.steps else []
  # No samples or score at the end: the sweep draws the row's still and scores it (the MP4 writer
  # needs `av`, which a bare GPU image lacks).
  cmd = [sys.executable, "-m", "eflow_jax.main", f"--config={config_arg}", f"--workdir={workdir}",
         "--config.eval.score_at_end=0", "--config.sample_every=0", *steps, *args.override]
  # SIGTERM at the deadline: the trainer saves a checkpoint and exits (train/fault_tolerance.py).
  code = subprocess.run(["timeout", "--kill-after=60", str(max(int(remaining), 1)), *cmd], cwd=REPO,
                        stdout=log, stderr=subprocess.STDOUT).returncode
  step = newest_step(workdir)
  status[key] = {"rows": rows, "code": code, "step": step, "total_steps": total_steps}
  if step != total_steps:
    return
  export = os.path.join(args.root, "export_" + key)     # always: it comes back if scoring here fails
  status[key]["exported"] = subprocess.run(
      [sys.executable, "-m", "eflow_jax.tools.export", f"--workdir={workdir}", f"--output={export}"],
      cwd=REPO, stdout=log, stderr=subprocess.STDOUT).returncode
  if os.path.exists(os.path.join(workdir, "metrics.jsonl")):
    shutil.copy(os.path.join(workdir, "metrics.jsonl"), export)
  if set(rows) <= set(args.score_here):
    results = os.path.join(args.root, "results_" + key)
    os.makedirs(results, exist_ok=True)
    for name in ("classifier.npz", "i3d_reference.npz"):
      shutil.copy(os.path.join(REPO, "docs", "ablation_results", name), results)
    remaining = args.finish_by_s - (time.time() - args.started)
    status[key]["scored"] = subprocess.run(
        ["timeout", str(max(int(remaining), 1)), sys.executable, "-m", "benchmarks.sweeps.ablation_sweep",
         *([f"--steps={args.steps}"] if args.steps else []), f"--rows={','.join(rows)}",
         f"--tables={','.join(sorted({r.split(':')[0] for r in rows}))}", f"--root={args.root}",
         f"--results={results}", *[f"--override={o}" for o in args.override]],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT).returncode


def pack(groups, status, args):
  """results.tgz (reports, stills, curves, logs, status), then exports, then checkpoints in parts."""
  files = []

  def add(name, members):
    path = os.path.join(args.out, name)
    with tarfile.open(path, "w:gz") as tar:
      for arcname, source in members:
        tar.add(source, arcname=arcname)
    return path

  with open(os.path.join(args.root, "status.json"), "w") as f:
    json.dump(status, f, indent=1)
  members = [("status.json", os.path.join(args.root, "status.json"))]
  members += [(os.path.basename(p), p) for p in glob.glob(os.path.join(args.root, "*.log"))]
  for key in groups:
    results = os.path.join(args.root, "results_" + key)
    for path in glob.glob(os.path.join(results, "*")):
      if os.path.basename(path) not in ("classifier.npz", "i3d_reference.npz") and not path.endswith(".npy"):
        members.append((os.path.relpath(path, args.root), path))
  files.append(add("results.tgz", members))
  for key in groups:
    export = os.path.join(args.root, "export_" + key)
    if os.path.isdir(export) and status.get(key, {}).get("scored", 1) != 0 and len(files) < MAX_FILES:
      files.append(add(f"export_{key}.tgz", [(f"train_{key}", export)]))
  for key, (_, rows, total) in groups.items():
    workdir, step = os.path.join(args.root, "train_" + key), status.get(key, {}).get("step")
    if step is None or step == total:
      continue
    blob = os.path.join(args.root, f"ckpt_{key}.tgz")
    with tarfile.open(blob, "w:gz") as tar:
      tar.add(os.path.join(workdir, "checkpoints", str(step)), arcname=f"train_{key}/checkpoints/{step}")
      if os.path.exists(os.path.join(workdir, "metrics.jsonl")):      # none before the first log step
        tar.add(os.path.join(workdir, "metrics.jsonl"), arcname=f"train_{key}/metrics.jsonl")
    size = os.path.getsize(blob)
    parts = -(-size // PART_BYTES)
    if len(files) + parts > MAX_FILES or sum(map(os.path.getsize, files)) + size > MAX_BYTES:
      print(f"{key} ({rows}): its step-{step} checkpoint does not fit the trip back", flush=True)
      continue
    with open(blob, "rb") as f:
      for i in range(parts):
        part = os.path.join(args.out, f"ckpt_{key}.tgz.part{i:02d}")
        with open(part, "wb") as g:
          g.write(f.read(PART_BYTES))
        files.append(part)
  return files


def check_limits(args) -> None:
  """One line before any training: --steps=0 read as 'not given' trained the rows' whole budget."""
  if args.steps is not None and args.steps < 1:
    raise SystemExit(f"--steps={args.steps} must be >= 1 (leave it out for the rows' own budget).")
  if not 0 < args.deadline_s <= args.finish_by_s:
    raise SystemExit(f"--deadline_s={args.deadline_s:g} and --finish_by_s={args.finish_by_s:g}: need "
                     f"0 < deadline_s <= finish_by_s (trainings stop, then scoring stops).")


def main():
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--rows", required=True, help="TABLE:ROW,... (ablation_sweep.py names)")
  parser.add_argument("--score_here", default="", help="rows scored on this machine (no I3D needed)")
  parser.add_argument("--root", default="/tmp/abl")
  parser.add_argument("--out", required=True)
  parser.add_argument("--deadline_s", type=float, default=450, help="trainings are stopped this long after the start")
  parser.add_argument("--finish_by_s", type=float, default=520, help="scoring is stopped this long after the start")
  parser.add_argument("--steps", type=int, default=None, help="override the rows' step budget (a quick look)")
  parser.add_argument("--override", action="append", default=[], help="extra --config.x=y for every run")
  args = parser.parse_args()
  check_limits(args)
  args.started, args.score_here = time.time(), [r for r in args.score_here.split(",") if r]
  os.makedirs(args.root, exist_ok=True)
  os.makedirs(args.out, exist_ok=True)
  groups, status = trainings(args.rows, args.steps), {}
  threads = [threading.Thread(target=run_training, args=(key, config_arg, rows, total, args, status))
             for key, (config_arg, rows, total) in groups.items()]
  for t in threads:
    t.start()
  for t in threads:
    t.join()
  print(json.dumps(status, indent=1), flush=True)
  for path in pack(groups, status, args):
    print(f"{os.path.basename(path)}: {os.path.getsize(path) / 2**20:.1f} MiB", flush=True)


if __name__ == "__main__":
  main()
