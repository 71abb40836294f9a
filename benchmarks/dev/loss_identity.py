"""Whether a change left training's losses alone: a run's logged metrics against a recorded run's,
at full float precision and as the progress line prints them.

  python benchmarks/dev/loss_identity.py --recorded=docs/demo_results/equal_time/recipe_metrics.jsonl.gz \
      --run=/tmp/demo/metrics.jsonl --log=/tmp/demo.log --json=docs/demo_results/loss_identity.json

Every non-timing value of every step both runs logged is compared (rates and wall-clock times are
not training's output). `--log` adds the printed comparison: each `name=value` of the run's printed
progress lines against the recorded metrics formatted by the same progress_line (train/progress.py).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from benchmarks import scaffold  # noqa: E402
from eflow_jax.train.progress import progress_line  # noqa: E402

TIMING = {"time", "steps_per_s", "samples_per_s", "tokens_per_s", "tflops_per_s_per_device", "mfu"}
PRINTED = re.compile(r"step\s+(\d+)/(\d+) \[(\S+)\] (.*) \S+ steps/s")


def read_rows(path: str) -> dict[int, dict]:
  """{step: metrics row} of a metrics.jsonl (gzipped or not)."""
  opener = gzip.open if path.endswith(".gz") else open
  with opener(path, "rt") as f:
    return {row["step"]: row for row in map(json.loads, f) if "step" in row}


def compare_full(recorded: dict, run: dict) -> dict:
  """Every shared step's non-timing values, compared exactly (floats as JSON round-trips them)."""
  steps = sorted(set(recorded) & set(run))
  values, mismatches, first = 0, 0, None
  for step in steps:
    for key in sorted(set(recorded[step]) | set(run[step])):
      if key in TIMING or key == "step":
        continue
      values += 1
      old, new = recorded[step].get(key, "<missing>"), run[step].get(key, "<missing>")
      if old != new:
        mismatches += 1
        first = first or {"step": step, "key": key, "recorded": old, "run": new}
  return {"steps": len(steps), "first_step": steps[0] if steps else None,
          "last_step": steps[-1] if steps else None, "values": values, "mismatches": mismatches,
          "first_mismatch": first}


def printed_pairs(line: str) -> dict[str, str]:
  """{'loss': '0.7455', 'gnorm': '1.369', ...}: the name=value fields of a progress line."""
  match = PRINTED.search(line)
  return dict(field.split("=", 1) for field in match.group(4).split()) if match else {}


def compare_printed(recorded: dict, log_path: str) -> dict:
  """The run's printed progress lines against the recorded metrics printed the same way."""
  lines, values, mismatches, first = 0, 0, 0, None
  with (gzip.open if log_path.endswith(".gz") else open)(log_path, "rt") as f:
    for line in f:
      match = PRINTED.search(line)
      if not match or int(match.group(1)) not in recorded:
        continue
      step, total, stage = int(match.group(1)), int(match.group(2)), match.group(3)
      want = printed_pairs(progress_line(step, total, stage, recorded[step], 1.0))
      got = printed_pairs(line)
      lines += 1
      for key in sorted(set(want) | set(got)):
        values += 1
        if want.get(key) != got.get(key):
          mismatches += 1
          first = first or {"step": step, "key": key, "recorded": want.get(key), "run": got.get(key)}
  return {"lines": lines, "values": values, "mismatches": mismatches, "first_mismatch": first}


def sample(recorded: dict, run: dict, keys=("loss", "fm/v_mse", "scm/mse", "grad_norm")) -> list[dict]:
  """A few shared steps' values from both runs: the first, evenly spread ones, the last."""
  steps = sorted(set(recorded) & set(run))
  picked = sorted({steps[i * (len(steps) - 1) // 5] for i in range(6)}) if steps else []
  return [{"step": s, **{f"{k} {side}": rows[s].get(k) for k in keys for side, rows in
                         (("recorded", recorded), ("run", run))}} for s in picked]


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--recorded", required=True, help="the recorded run's metrics.jsonl[.gz]")
  parser.add_argument("--run", required=True, help="the run's metrics.jsonl")
  parser.add_argument("--log", default=None, help="the run's printed output (progress lines), gzipped or not")
  parser.add_argument("--note", action="append", default=[], help="KEY=VALUE recorded in the report")
  scaffold.add_report_flag(parser, None)
  args = parser.parse_args(argv)
  recorded, run = read_rows(args.recorded), read_rows(args.run)
  result = {"recorded": args.recorded, "run": args.run, "full_precision": compare_full(recorded, run),
            **dict(note.split("=", 1) for note in args.note)}
  if args.log:
    result["printed"] = compare_printed(recorded, args.log)
  result["sample"] = sample(recorded, run)
  print(json.dumps({k: result[k] for k in ("full_precision", "printed") if k in result}, indent=1))
  scaffold.write_json(result, args.json, argv=argv)


if __name__ == "__main__":
  main()
