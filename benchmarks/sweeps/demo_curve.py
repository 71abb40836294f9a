"""How a Moving MNIST run's samples improve with training time: every checkpoint, scored as a person reads it.

  python benchmarks/sweeps/demo_curve.py --config=configs/demo.py --workdir=runs/demo --json=docs/demo_results/curve.json

For each checkpoint (or `--steps`): `--num_samples` few-step samples of the EMA weights (every digit
in turn, the config's sampler), scored by the per-frame judge (metrics/frame_judge.py: a clip counts
when most of its frames read as its digit), the clip classifier's accuracy and Fréchet distance, beside
as many real held-out clips. The minute of each checkpoint is read from the run's metrics.jsonl (wall
clock since the run's first logged step, plus that line's own steps at its rate: compilation of the first
program included as the user waits for it) unless `--start_time` (epoch seconds) says when the
command began. Points already in `--json` are kept, so a stopped scoring resumes.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks import scaffold  # noqa: E402
from eflow_jax.train import evaluate  # noqa: E402


def step_times(workdir: str) -> dict[int, float]:
  """{step: wall-clock epoch seconds at which that step's progress line was written}."""
  out = {}
  path = os.path.join(workdir, "metrics.jsonl")
  for line in open(path) if os.path.exists(path) else []:
    row = json.loads(line)
    if "time" in row and "step" in row:
      out[int(row["step"])] = float(row["time"])
  return out


def point(config, workdir: str, step: int, num_samples: int) -> dict:
  model, example_shape, state, _, mesh = evaluate.restore_for_inference(config, workdir, step)
  report = evaluate.sample_metrics(config, model, example_shape, state, mesh, workdir,
                                   num_samples=num_samples, use_i3d=False)
  judge, real = report["frame_judge"], report["frame_judge_real"]
  return {"step": int(state.step), "recognised": judge["recognised"], "per_digit": judge["per_digit"],
          "plurality": judge["plurality"], "frames": judge["frames"], "recognised_real": real["recognised"],
          "class_accuracy": report["class_accuracy"], "class_accuracy_real": report["class_accuracy_real"],
          "classifier_fd": report["classifier_fd"], "sharpness": report["sharpness"],
          "num_samples": report["num_samples"], "protocol": report["protocol"]}


def parse_args(argv):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--config", required=True)
  parser.add_argument("--workdir", required=True)
  scaffold.add_report_flag(parser, None, "--out", required=True)
  parser.add_argument("--steps", default="all", help="'all' or a comma list of checkpoint steps")
  parser.add_argument("--num_samples", type=int, default=200)
  parser.add_argument("--start_time", type=float, default=None, help="epoch seconds the run's command began")
  parser.add_argument("--set", action="append", default=[], help="dotted KEY=VALUE the run was trained with")
  args = parser.parse_args(argv)
  if args.num_samples < 10:
    raise SystemExit(f"error: --num_samples={args.num_samples}: at least one sample per digit (10).")
  if args.steps != "all":
    try:
      args.steps = [int(step) for step in args.steps.split(",") if step.strip()]
    except ValueError:
      raise SystemExit(f"error: --steps={args.steps!r}: give 'all' or checkpoint steps like 1000,2000.") from None
  return args


def read_result(out: str, run: dict) -> dict:
  """The points already in --json (this run's), before any is computed: --json must be a file this
  command wrote for this run, or not exist yet in a folder that can be created and written."""
  if os.path.isdir(out):
    raise SystemExit(f"error: --json={out} is a folder; give the JSON file's path.")
  if not os.path.exists(out):
    folder = os.path.dirname(os.path.abspath(out))
    existing = folder
    while not os.path.exists(existing):
      existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
      raise SystemExit(f"error: --json={out}: {existing} is a file, not a folder; pick another --json.")
    os.makedirs(folder, exist_ok=True)
    return {}
  try:
    with open(out) as f:
      result = json.load(f)
  except (OSError, ValueError):
    result = None
  if not isinstance(result, dict) or "run" not in result:
    raise SystemExit(f"error: --json={out} exists and is not a demo_curve result; pick another --json.")
  if result["run"] != run:
    raise SystemExit(f"error: {out} holds another run ({result['run']}); pick another --json.")
  return result


def main(argv=None):
  args = parse_args(argv)
  try:
    config = scaffold.with_overrides(scaffold.load(args.config), scaffold.parse_sets(args.set))
  except (ValueError, KeyError, AttributeError) as e:     # a bad :option, a misspelt --set key
    given = " ".join([f"--config={args.config}", *(f"--set={item}" for item in args.set)])
    raise SystemExit(f"error: {given}: {str(e).splitlines()[0]}") from None
  ckpt_dir = os.path.join(args.workdir, "checkpoints")
  saved = sorted(int(d) for d in (os.listdir(ckpt_dir) if os.path.isdir(ckpt_dir) else []) if d.isdigit())
  if not saved:
    raise SystemExit(f"error: no checkpoint in {ckpt_dir}")
  wanted = saved if args.steps == "all" else args.steps
  missing = sorted(set(wanted) - set(saved))
  if missing:
    raise SystemExit(f"error: no checkpoint of step {missing[0]} in {ckpt_dir} (it has {saved})")
  run = {"config": args.config, "sets": args.set, "workdir": os.path.abspath(args.workdir)}
  result = read_result(args.json, run)
  try:
    score(args, argv, config, run, result, wanted)
  except (ValueError, OSError) as e:     # another model's checkpoint, an unreadable one: one line
    raise SystemExit(f"error: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None


def score(args, argv, config, run: dict, result: dict, wanted: list[int]) -> None:
  """Scores each wanted step not yet in --json, writing --json after each one."""
  points = {p["step"]: p for p in result.get("points", [])}
  times = step_times(args.workdir)
  start = args.start_time
  if start is None and times:
    first = min(times)
    rows = [json.loads(l) for l in open(os.path.join(args.workdir, "metrics.jsonl"))]
    rate = next(r["steps_per_s"] for r in rows if r.get("step") == first)
    start = times[first] - first / rate
  began = time.time()
  for step in wanted:
    if step in points:
      continue
    p = point(config, args.workdir, step, args.num_samples)
    if step in times and start is not None:
      p["minutes"] = round((times[step] - start) / 60.0, 2)
    points[step] = p
    print(f"step {step}: {p.get('minutes', float('nan')):.1f} min, {p['recognised']:.1%} read as their digit "
          f"(plurality {p['plurality']:.1%}, frames {p['frames']:.1%}), clip classifier {p['class_accuracy']:.1%}, "
          f"FD {p['classifier_fd']:.1f}", flush=True)
    result = {"run": run, "start_time": start, "points": [points[s] for s in sorted(points)]}
    scaffold.write_json(result, args.json, __file__, argv, announce=False)
  print(f"wrote {args.json} ({time.time() - began:.0f} s)")


if __name__ == "__main__":
  main()
