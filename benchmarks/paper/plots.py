"""Draws the PNG figures of docs/results.md from the benchmarks' JSON results (needs matplotlib:
`pip install -e .[plots]`).

  python benchmarks/paper/plots.py [--sweep=docs/ablation_results] [--out=docs/figures]

Inputs (each figure is skipped, with a line saying so, when its JSON is missing):
  benchmarks/results/train_throughput.json   -> throughput_ladder.png (paper Fig. 4a)
  benchmarks/results/attention_scaling.json  -> attention_scaling.png
  benchmarks/results/quality_vs_steps.json   -> quality_vs_steps.png (sampling and training steps)
  <sweep>/<table>_<row>.json                 -> ablations.png (Tab. 2/3/4 rows; ablation_sweep.py)
  <sweep>/<table>_<row>_samples.png          -> <table>_samples.png (each row's sample still, stacked)
  <sweep>/curves/<table>_<row>.json          -> <table>_curves.png (training curves: paper Fig. 5 / 7)
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks.scaffold import REPO, RESULTS  # noqa: E402
from benchmarks.sweeps import ablation_sweep, sweep_rows  # noqa: E402
from benchmarks.sweeps.training_curves import error_key, series  # noqa: E402


def _load(path):
  """A benchmark's JSON, or the ablation sweep's row reports when `path` is its results folder."""
  if os.path.isdir(path):
    return ablation_sweep.load_results(path) or None
  return json.load(open(path)) if os.path.exists(path) else None


def throughput_ladder(result, path):
  rows = [r for r in result["rows"] if r.get("paper_x_fm") is not None]
  labels = [f"{r['id']}: {r['label']}" for r in rows]
  xs = range(len(rows))
  fig, ax = plt.subplots(figsize=(8, 4))
  ax.bar([x - 0.2 for x in xs], [r["x_fm"] for r in rows], width=0.4, label="measured here (CPU, 256 tokens)")
  ax.bar([x + 0.2 for x in xs], [r["paper_x_fm"] for r in rows], width=0.4, label="paper (480p)", alpha=0.6)
  for x, r in zip(xs, rows):
    ax.text(x - 0.2, r["x_fm"] + 0.03, f"{r['x_fm']:.2f}", ha="center", fontsize=8)
  ax.axhline(1.0, color="gray", lw=0.8)
  ax.set_xticks(list(xs), labels, rotation=25, ha="right", fontsize=8)
  ax.set_ylabel("training steps/s relative to FM + softmax")
  ax.set_title("Training throughput ladder (Fig. 4a)")
  ax.legend(fontsize=8)
  fig.tight_layout()
  fig.savefig(path, dpi=110)


def attention_scaling(result, path):
  fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharex=True)
  for ax, field, title in zip(axes, ("fwd_s", "fwd_bwd_s"), ("forward", "forward + backward")):
    methods = sorted({r["method"] for r in result["rows"]})
    for method in methods:
      pts = [(r["dense_tokens"], r[field]) for r in result["rows"] if r["method"] == method and r.get(field)]
      if pts:
        ax.plot(*zip(*pts), marker="o", label=method)
    ax.set_xscale("log")
    ax.set_yscale("log")
    tokens = sorted({r["dense_tokens"] for r in result["rows"]})
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xticks(tokens, [str(t) for t in tokens], rotation=45, fontsize=7)
    ax.set_xlabel("tokens of the dense clip")
    ax.set_ylabel("seconds")
    ax.set_title(f"{title} ({result['timed_path']})", fontsize=9)
  axes[0].legend(fontsize=7)
  fig.suptitle(f"Attention cost vs sequence length, {result['device']}, 1 head x {result['head_dim']}", fontsize=10)
  fig.tight_layout()
  fig.savefig(path, dpi=110)


def quality_vs_steps(result, path):
  panels = [("by_sampling_steps", "sampling steps (Alg. 2, newest checkpoint)"),
            ("by_training_steps", "training steps (4-step samples)")]
  fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
  for ax, (table, xlabel) in zip(axes, panels):
    rows = result.get(table, {})
    keys = sorted(rows, key=int)
    if not keys:
      ax.set_axis_off()
      continue
    xs = [int(k) for k in keys]
    ax.plot(xs, [100 * rows[k]["class_accuracy"] for k in keys], marker="o", color="C0")
    ax.set_ylabel("class accuracy of samples (%)", color="C0")
    ax.set_xlabel(xlabel)
    if table == "by_sampling_steps":
      ax.set_xscale("log", base=2)
      ax.set_xticks(xs, [str(x) for x in xs])
    twin = ax.twinx()
    metric = "fvd" if all("fvd" in rows[k] for k in keys) else "classifier_fd"
    twin.plot(xs, [rows[k][metric] for k in keys], marker="s", color="C3")
    twin.set_ylabel({"fvd": "FVD (I3D)", "classifier_fd": "classifier FD"}[metric], color="C3")
  fig.suptitle(f"Sample quality: {result.get('config', '')}", fontsize=10)
  fig.tight_layout()
  fig.savefig(path, dpi=110)


def _table_rows(results, table):
  """{row: report} of one table, in the order its config lists the rows (the paper's order)."""
  return {row: results[f"{table}:{row}"] for row in _row_order(table) if f"{table}:{row}" in results}


def ablations(results, path):
  tables = sorted({k.split(":")[0] for k in results})
  table_rows = {table: _table_rows(results, table) for table in tables}
  widths = [max(len(rows), 3) for rows in table_rows.values()]      # one bar's width in every panel
  fig, axes = plt.subplots(1, len(tables), figsize=(1.1 * sum(widths) + 1, 4), squeeze=False,
                           gridspec_kw=dict(width_ratios=widths))
  for ax, table in zip(axes[0], tables):
    rows = table_rows[table]
    names = list(rows)
    ax.bar(range(len(names)), [100 * rows[n]["class_accuracy"] for n in names], color="C0")
    ax.set_xticks(range(len(names)), [f"{n}\n{rows[n]['protocol']['nfe']} NFE" for n in names],
                  rotation=30, ha="right", fontsize=7)
    ax.set_ylabel("class accuracy of samples (%)")
    ax.set_title(table)
    if all("fvd" in r for r in rows.values()):
      for i, n in enumerate(names):
        ax.text(i, 100 * rows[n]["class_accuracy"] + 1, f"FVD {rows[n]['fvd']:.0f}", ha="center", fontsize=6)
  fig.tight_layout()
  fig.savefig(path, dpi=110)


def ablation_samples(sweep_dir, results, table, path):
  """One table's sample stills stacked, each titled with its row's scores, to compare by eye."""
  stills = [(row, os.path.join(sweep_dir, f"{table}_{row}_samples.png"))
            for row in _table_rows(results, table)]
  stills = [(row, p) for row, p in stills if os.path.exists(p)]
  if not stills:
    return False
  images = [plt.imread(p) for _, p in stills]
  height, width = images[0].shape[:2]
  fig, axes = plt.subplots(len(stills), 1, figsize=(10, (10 * height / width + 0.5) * len(stills) + 0.3),
                           squeeze=False)
  for ax, (row, _), image in zip(axes[:, 0], stills, images):
    report = results[f"{table}:{row}"]
    scores = [f"{report['protocol']['nfe']} NFE", f"class acc. {100 * report['class_accuracy']:.0f}%"]
    if "fvd" in report:
      scores.append(f"FVD {report['fvd']:.0f}")
    ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"{table} {row}: " + ", ".join(scores), fontsize=9, loc="left")
    ax.set_axis_off()
  fig.suptitle("first, middle and last frame; classes 0-4 top, 5-9 bottom; seed 0, EMA weights", fontsize=8)
  fig.tight_layout()
  fig.savefig(path, dpi=110)
  plt.close(fig)
  return True


def training_curves(sweep_dir, table, path):
  """One table's training curves, one line per row: the unweighted FM error (window mean, and the
  window's largest step faint behind it, where a spike shows) and the gradient norm; a row's skipped
  (non-finite) updates are marked where they happened. Rows without a curve are left out."""
  curves = {}                      # label: curve; rows that share one training share one line
  for row in _row_order(table):
    file = os.path.join(sweep_dir, "curves", f"{table}_{row}.json")
    if os.path.exists(file):
      curve = json.load(open(file))
      same = next((label for label, c in curves.items() if c == curve), None)
      if same:
        curves[f"{same} = {row}"] = curves.pop(same)
      else:
        curves[row] = curve
  if not curves:
    return False
  fig, (loss_ax, grad_ax) = plt.subplots(1, 2, figsize=(11, 4))
  for i, (row, curve) in enumerate(curves.items()):
    key = error_key(curve)
    values = lambda k, curve=curve: series(curve, k)
    color = f"C{i}"
    if key + "/max" in curve:
      loss_ax.plot(curve["step"], values(key + "/max"), color=color, alpha=0.25, lw=0.8)
    loss_ax.plot(curve["step"], values(key), color=color, lw=1.4, label=row)
    if "grad_norm" in curve:
      grad_ax.plot(curve["step"], values("grad_norm"), color=color, lw=1.2, label=row)
    skipped = [s for s, n, before in zip(curve["step"], values("nonfinite_steps"),
                                         [0.0] + values("nonfinite_steps")[:-1]) if n and n > (before or 0)]
    for ax in (loss_ax, grad_ax):
      for s in skipped:
        ax.axvline(s, color=color, ls=":", lw=1)
  loss_ax.set(yscale="log", xlabel="training step", title=f"{table}: FM error vs v (mean; faint: max step)")
  grad_ax.set(yscale="log", xlabel="training step", title="gradient norm (window mean)")
  loss_ax.legend(fontsize=7)
  fig.tight_layout()
  fig.savefig(path, dpi=110)
  plt.close(fig)
  return True


def _row_order(table):
  return [name.split(":", 1)[1] for name, _ in sweep_rows.selected_rows([table], "")]


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--results", default=RESULTS)
  parser.add_argument("--sweep", default=os.path.join(REPO, "docs", "ablation_results"))
  parser.add_argument("--out", default=os.path.join(REPO, "docs", "figures"))
  args = parser.parse_args(argv)
  os.makedirs(args.out, exist_ok=True)
  figures = [(throughput_ladder, os.path.join(args.results, "train_throughput.json"), "throughput_ladder.png"),
             (attention_scaling, os.path.join(args.results, "attention_scaling.json"), "attention_scaling.png"),
             (quality_vs_steps, os.path.join(args.results, "quality_vs_steps.json"), "quality_vs_steps.png"),
             (ablations, args.sweep, "ablations.png")]
  for draw, source, name in figures:
    data = _load(source)
    if not data:
      print(f"skip {name}: {source} not found")
      continue
    draw(data, os.path.join(args.out, name))
    print(f"wrote {os.path.join(args.out, name)}")
  results = _load(args.sweep) or {}
  for table in sorted({k.split(":")[0] for k in results}):
    path = os.path.join(args.out, f"{table}_samples.png")
    if ablation_samples(args.sweep, results, table, path):
      print(f"wrote {path}")
  for table in sweep_rows.TABLES:
    path = os.path.join(args.out, f"{table}_curves.png")
    if training_curves(args.sweep, table, path):
      print(f"wrote {path}")


if __name__ == "__main__":
  main()
