"""Trains and evaluates every row of the ablation tables (configs/ablations/), resumably.

  python benchmarks/ablation_sweep.py                                   # all tables, full budget
  python benchmarks/ablation_sweep.py --tables=table4 --steps=200       # a quick look
  python benchmarks/ablation_sweep.py --report_only                     # just print what exists

Each row trains with `python -m eflow_jax.main` in its own process (so a crash or a kill of one row
costs only that row's steps since its last checkpoint) and is then evaluated with `--mode=eval`.
Stop it at any moment and run the same command again: finished rows are skipped (their eval JSON
exists), an unfinished row resumes from its checkpoint. Rows whose configs differ only in how they
are sampled (Tab. 4's FM 50 / FM 4) share one training run. Results: `<root>/results.json` and a
Markdown table per table on stdout (pasted into docs/results.md).
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from eflow_jax import config_lib  # noqa: E402

TABLES = ("table2", "table3", "table4")
SAMPLING_FIELDS = ("sampler", "inference_steps")     # flow.* fields that do not change training
METRIC_COLUMNS = ("fvd", "fvd_real", "classifier_fd", "class_accuracy", "sharpness", "nfe", "step")


def training_key(config) -> str:
  """Rows with equal training configs (all but the sampling fields) share one training run."""
  cfg = json.loads(config.to_json_best_effort())
  for field in SAMPLING_FIELDS:
    cfg["flow"].pop(field, None)
  cfg.pop("sample_every", None)
  return hashlib.sha1(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:10]


def run(cmd, log_path):
  print("+ " + " ".join(cmd), flush=True)
  with open(log_path, "a") as log:
    return subprocess.run(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT).returncode


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--tables", default=",".join(TABLES))
  parser.add_argument("--root", default=os.path.join(REPO, "runs", "ablations"))
  parser.add_argument("--steps", type=int, default=None, help="override the budget (default: common.py)")
  parser.add_argument("--report_only", action="store_true")
  parser.add_argument("--override", action="append", default=[],
                      help="extra --config.x=y for every run (repeatable), e.g. --override=--config.eval.use_i3d=True")
  args = parser.parse_args(argv)
  results_path = os.path.join(args.root, "results.json")
  os.makedirs(args.root, exist_ok=True)
  results = json.load(open(results_path)) if os.path.exists(results_path) else {}
  for table in args.tables.split(","):
    path = os.path.join(REPO, "configs", "ablations", f"{table}.py")
    for row in config_lib.load_module(path).ROWS:
      name = f"{table}:{row}"
      overrides = ([f"--config.total_steps={args.steps}"] if args.steps else []) + [
          f"--config.eval.classifier_path={os.path.join(args.root, 'classifier.npz')}",
          f"--config.eval.i3d_reference_path={os.path.join(args.root, 'i3d_reference.npz')}", *args.override]
      config = config_lib.load_config(f"{path}:{row}")
      if args.steps:
        config.total_steps = args.steps
      workdir = os.path.join(args.root, "train_" + training_key(config))
      report = os.path.join(args.root, f"{table}_{row}.json")
      if args.report_only or (name in results and os.path.exists(report)):
        continue
      base = [sys.executable, "-m", "eflow_jax.main", f"--config={path}:{row}", f"--workdir={workdir}",
              *overrides]
      log = os.path.join(args.root, f"{table}_{row}.log")
      if run(base, log) != 0:
        print(f"{name}: training failed, see {log}; continuing with the next row", flush=True)
        continue
      if run([*base, "--mode=eval", f"--output={report}"], log) != 0 or not os.path.exists(report):
        print(f"{name}: eval failed, see {log}", flush=True)
        continue
      results[name] = json.load(open(report))
      with open(results_path, "w") as f:
        json.dump(results, f, indent=1)
  print_tables(results, args.tables.split(","))


def print_tables(results, tables):
  for table in tables:
    rows = {k.split(":", 1)[1]: v for k, v in results.items() if k.startswith(table + ":")}
    if not rows:
      continue
    columns = [c for c in METRIC_COLUMNS if any(c in r or c in r.get("protocol", {}) for r in rows.values())]
    print(f"\n{table}\n| row | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for row, metrics in rows.items():
      values = {**metrics.get("protocol", {}), **metrics}
      cells = [f"{values[c]:.4g}" if isinstance(values.get(c), (int, float)) else "" for c in columns]
      print(f"| {row} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
  main()
