"""Training curves of the ablation rows: kept from a run's metrics.jsonl, and read for stability
(paper Fig. 5 / Fig. 7: loss spikes and divergence when sparse attentions are trained from scratch).

  python benchmarks/sweeps/training_curves.py --table=attention_baselines     # one Markdown row per curve

The sweep (ablation_sweep.py) saves each row's curve to docs/ablation_results/curves/; plots.py
draws them. A curve holds, per log_every steps, the window means and, for loss / fm/v_mse /
grad_norm, the window's largest single step (train/progress.py, LogWindow.PEAK).
"""
import argparse
import json
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks.scaffold import REPO  # noqa: E402

CURVES = os.path.join(REPO, "docs", "ablation_results", "curves")

CURVE_KEYS = ("loss", "loss/max", "fm/v_mse", "fm/v_mse/max", "scm/mse", "mva/mse", "grad_norm",
              "grad_norm/max", "nonfinite_steps", "drop_ratio")


def save_training_curve(workdir: str, path: str) -> bool:
  """The row's training curve from its metrics.jsonl (one record per log_every steps: window means
  and, for loss / fm/v_mse / grad_norm, window maxima), kept with the reports: the workdir does not
  outlive the machine, and the stability comparison (paper Fig. 5 / Fig. 7) reads spikes from it.
  A step can have several records (the losses, then the guidance diagnostics; a resumed run logs
  some steps again): they are merged, the newest value of a key winning."""
  source = os.path.join(workdir, "metrics.jsonl")
  if not os.path.exists(source):
    return False
  by_step = {}
  with open(source) as f:
    for line in f:
      try:
        record = json.loads(line)
      except json.JSONDecodeError:        # a line cut short by a kill
        continue
      step = int(record["step"])
      by_step[step] = {**by_step.get(step, {}), **record}
  steps = sorted(by_step)
  keys = [k for k in CURVE_KEYS if any(k in by_step[s] for s in steps)]
  curve = {"step": steps, **{k: [by_step[s].get(k) for s in steps] for k in keys}}
  os.makedirs(os.path.dirname(path), exist_ok=True)
  with open(path, "w") as f:
    json.dump(curve, f)
  return True


def error_key(curve: dict) -> str:
  """The curve's training error: the FM error against v where logged, else the loss."""
  return "fm/v_mse" if "fm/v_mse" in curve else "loss"


def series(curve: dict, key: str, fallback: str | None = None) -> list[float]:
  """One logged quantity as floats, NaN where a record lacks it (`fallback` if `key` was never logged)."""
  values = curve.get(key, curve.get(fallback, []) if fallback else [])
  return [float("nan") if v is None else float(v) for v in values]


def stability_summary(curve: dict, warmup: float = 0.1, context: int = 8, spike: float = 2.0) -> dict:
  """What the stability claim reads from one curve (FM error vs v where logged, else the loss):

  final            mean of the window means over the last 10% of the logged steps;
  worst_jump       the largest ratio of a window's largest step to the median of the largest
                   steps of the `context` windows before it (like against like: one step of a
                   batch of 16 is noisier than a window mean), after the first `warmup` share of
                   the run (a spike against where training was, not the fast early descent);
  spikes           how many windows have that ratio above `spike`;
  grad_norm_peak   the largest single-step gradient norm after warm-up (its window mean if the
                   maximum was not logged);
  skipped_updates  updates skipped for a non-finite loss or gradient (nonfinite_steps, last value);
  diverged         a non-finite window mean anywhere (the run halted or every step was skipped).
  """
  key = error_key(curve)
  steps = curve["step"]
  means, peaks = series(curve, key), series(curve, key + "/max", fallback=key)
  start = next((i for i, s in enumerate(steps) if s > warmup * steps[-1]), len(steps))
  jumps = []
  for i in range(max(start, 1), len(steps)):
    before = [p for p in peaks[max(0, i - context):i] if not math.isnan(p)]
    if before and not math.isnan(peaks[i]):
      jumps.append(peaks[i] / statistics.median(before))
  tail_from = next((i for i, s in enumerate(steps) if s > 0.9 * steps[-1]), len(steps) - 1)
  tail = [m for m in means[tail_from:] if not math.isnan(m)]
  grads = series(curve, "grad_norm/max", fallback="grad_norm")[start:]
  skipped = [n for n in series(curve, "nonfinite_steps") if not math.isnan(n)]
  return {"final": statistics.fmean(tail) if tail else float("nan"),
          "worst_jump": max(jumps, default=float("nan")),
          "spikes": sum(j > spike for j in jumps),
          "grad_norm_peak": max((g for g in grads if not math.isnan(g)), default=float("nan")),
          "skipped_updates": int(skipped[-1]) if skipped else 0,
          "diverged": any(math.isnan(m) for m in means)}


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--table", required=True, help="e.g. attention_baselines")
  parser.add_argument("--curves", default=CURVES)
  args = parser.parse_args(argv)
  files = sorted(f for f in os.listdir(args.curves) if f.startswith(args.table + "_") and f.endswith(".json"))
  if not files:
    raise SystemExit(f"no curves of {args.table} in {args.curves}")
  print("| row | final FM error | worst jump | spikes (> 2x) | grad-norm peak | skipped updates | diverged |")
  print("|---|---|---|---|---|---|---|")
  for name in files:
    with open(os.path.join(args.curves, name)) as f:
      s = stability_summary(json.load(f))
    row = name[len(args.table) + 1:-len(".json")]
    print(f"| {row} | {s['final']:.4f} | {s['worst_jump']:.2f}x | {s['spikes']} | {s['grad_norm_peak']:.2f} | "
          f"{s['skipped_updates']} | {'yes' if s['diverged'] else 'no'} |")


if __name__ == "__main__":
  main()
