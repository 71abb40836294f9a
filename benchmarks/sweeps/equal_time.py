"""Two demo_curve.py results side by side at equal training minutes (the demo's "what EFlow buys at
equal time" table, docs/results.md).

  python benchmarks/sweeps/equal_time.py --curves docs/demo_results/equal_time/recipe_curve.json \
      docs/demo_results/equal_time/fm_curve.json --names eflow fm --every 5 \
      --json docs/demo_results/equal_time/table.json

At each mark (every `--every` minutes up to the longest curve's last point), each run's latest
checkpoint scored at or before that minute: its step, the per-frame judge's share of samples read as
their digit, the clip classifier's accuracy and its Fréchet distance. A run with no checkpoint yet
by a mark shows none. The minutes are those demo_curve.py recorded (wall clock since the command
began, compilation and the run's own sample grids included).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root
from benchmarks import scaffold  # noqa: E402

FIELDS = ("step", "minutes", "recognised", "class_accuracy", "classifier_fd")


def latest_by(points: list[dict], minute: float) -> dict | None:
  """The point with the most minutes not after `minute` (None before the first)."""
  before = [p for p in points if p.get("minutes") is not None and p["minutes"] <= minute + 1e-9]
  return max(before, key=lambda p: p["minutes"]) if before else None


def table(curves: dict[str, list[dict]], every: float) -> list[dict]:
  """[{minute, <name>: {step, minutes, recognised, class_accuracy, classifier_fd} | None}]."""
  last = max(p["minutes"] for points in curves.values() for p in points if p.get("minutes") is not None)
  marks = [every * k for k in range(1, math.ceil(last / every) + 1)]
  rows = []
  for minute in marks:
    row = {"minute": minute}
    for name, points in curves.items():
      point = latest_by(points, minute)
      row[name] = {k: point[k] for k in FIELDS} if point else None
    rows.append(row)
  return rows


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--curves", nargs="+", required=True, help="demo_curve.py results (--out files)")
  parser.add_argument("--names", nargs="+", required=True, help="one name per curve")
  parser.add_argument("--every", type=float, default=5.0, help="minutes between marks")
  scaffold.add_report_flag(parser, None)
  began = time.time()
  args = parser.parse_args(argv)
  if len(args.names) != len(args.curves) or not args.every > 0:
    raise SystemExit("error: give one --names entry per --curves file, and --every > 0.")
  curves = {}
  for name, path in zip(args.names, args.curves):
    try:
      with open(path) as f:
        curves[name] = json.load(f)["points"]
    except (OSError, ValueError, KeyError, TypeError) as e:
      raise SystemExit(f"error: {path} is not a demo_curve.py result ({type(e).__name__}).") from None
  rows = table(curves, args.every)
  for row in rows:
    cells = [f"{row['minute']:5.1f} min"]
    for name in args.names:
      p = row[name]
      cells.append(f"{name}: " + (f"step {p['step']:5d} judge {p['recognised']:6.1%} classifier "
                                  f"{p['class_accuracy']:6.1%} FD {p['classifier_fd']:6.1f}" if p else "-"))
    print(" | ".join(cells))
  scaffold.write_json({"every_minutes": args.every, "curves": dict(zip(args.names, args.curves)), "rows": rows,
                       "wall_s": time.time() - began}, args.json, __file__, argv)


if __name__ == "__main__":
  main()
