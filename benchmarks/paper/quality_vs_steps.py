"""Sample quality of one trained run vs the number of sampling steps and vs training steps.

  python benchmarks/paper/quality_vs_steps.py --config=configs/demo.py:long --workdir=runs/demo_long

(1) The newest checkpoint sampled with 1, 2, 4 and 8 Alg. 2 steps (the paper's few-step claim: one
model, any step count). (2) Every checkpoint in the workdir (or `--train_steps`) sampled with the
config's step count: how quality grows with training. Each point is `--mode=eval`'s report (EMA
weights, `config.eval.num_samples` samples vs as many held-out clips; FVD with
`--config.eval.use_i3d=True`). Writes benchmarks/results/quality_vs_steps.json, which
benchmarks/paper/plots.py draws; points already in that file are kept, so a stopped run resumes.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks import scaffold  # noqa: E402
from eflow_jax.train import evaluate  # noqa: E402

POINT_FIELDS = ("fvd", "fvd_real", "classifier_fd", "class_accuracy", "class_accuracy_per_class", "class_accuracy_real",
                "sharpness")


def summary(report: dict) -> dict:
  point = {k: report[k] for k in POINT_FIELDS if k in report}
  point.update(step=report["step"], nfe=report["protocol"]["nfe"], loss=report["objective"]["loss"])
  return point


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--config", required=True)
  parser.add_argument("--workdir", required=True)
  parser.add_argument("--sampling_steps", default="1,2,4,8")
  parser.add_argument("--train_steps", default="all", help="'all', 'none' or a comma list of checkpoints")
  parser.add_argument("--override", action="append", default=[], help="dotted key=value, repeatable")
  scaffold.add_report_flag(parser, "quality_vs_steps", "--out")
  args = parser.parse_args(argv)

  bad = [kv for kv in args.override if "=" not in kv]
  if bad:
    raise SystemExit(f"error: --override takes dotted.key=value, got {bad[0]!r}")
  overrides = {k: _parse(v) for k, v in (kv.split("=", 1) for kv in args.override)}
  config = scaffold.with_overrides(scaffold.load(args.config), overrides)
  ckpt_dir = os.path.join(args.workdir, "checkpoints")
  saved = sorted(int(d) for d in (os.listdir(ckpt_dir) if os.path.isdir(ckpt_dir) else []) if d.isdigit())
  if not saved:
    raise SystemExit(f"error: no checkpoint in {args.workdir}/checkpoints")
  train_steps = (saved if args.train_steps == "all" else [] if args.train_steps == "none"
                 else [int(s) for s in args.train_steps.split(",")])
  results = json.load(open(args.json)) if os.path.exists(args.json) else {}
  run = dict(config=args.config, workdir=os.path.abspath(args.workdir))
  if results and {k: results.get(k) for k in run} != run:
    print(f"{args.json} holds another run ({results.get('config')} in {results.get('workdir')}): starting afresh")
    results = {}
  results = {k: v for k, v in results.items() if k in ("by_sampling_steps", "by_training_steps")}
  results.update(run)
  by_sampling = results.setdefault("by_sampling_steps", {})
  by_training = results.setdefault("by_training_steps", {})
  jobs = [("by_sampling_steps", int(n), saved[-1]) for n in args.sampling_steps.split(",") if n]
  jobs += [("by_training_steps", int(config.flow.inference_steps), s) for s in train_steps]
  for table, sampling_steps, step in jobs:
    key = str(sampling_steps if table == "by_sampling_steps" else step)
    target = by_sampling if table == "by_sampling_steps" else by_training
    if key in target and target[key]["step"] == step:
      continue
    cfg = scaffold.with_overrides(config, {"flow.inference_steps": sampling_steps})
    report = evaluate.evaluate(cfg, args.workdir, step=step,
                           output=os.path.join(args.workdir, f"eval_step{step}_n{sampling_steps}.json"))
    target[key] = dict(summary(report), overrides=args.override)
    scaffold.write_json(results, args.json, __file__, argv, announce=False)
  print_tables(results)


def _parse(value: str):
  """'12000' -> 12000, 'True' -> True, '0.5' -> 0.5; anything else stays a string (a path)."""
  try:
    return ast.literal_eval(value)
  except (ValueError, SyntaxError):
    return value


def print_tables(results: dict):
  for table, label in (("by_sampling_steps", "sampling steps"), ("by_training_steps", "training steps")):
    rows = results.get(table, {})
    print(f"\n| {label} | NFE | class accuracy | classifier FD | FVD | sharpness |\n|---|---|---|---|---|---|")
    for key in sorted(rows, key=int):
      p = rows[key]
      fvd = f"{p['fvd']:.1f}" if "fvd" in p else ""
      print(f"| {key} | {p['nfe']} | {100 * p['class_accuracy']:.1f}% | {p['classifier_fd']:.1f} | {fvd} | "
            f"{p['sharpness']:.3f} |")


if __name__ == "__main__":
  main()
