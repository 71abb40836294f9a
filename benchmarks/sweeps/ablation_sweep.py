"""Trains and evaluates every row of the ablation tables (configs/ablations/), resumably.

  python benchmarks/sweeps/ablation_sweep.py                                   # all tables, full budget
  python benchmarks/sweeps/ablation_sweep.py --tables=pdg_study                # the PDG study
  python benchmarks/sweeps/ablation_sweep.py --tables=table4 --steps=200       # a quick look
  python benchmarks/sweeps/ablation_sweep.py --rows=table4:sfm_4,table4:pdg_sfm_4   # just these rows
  python benchmarks/sweeps/ablation_sweep.py --report_only                     # print what exists, train nothing

Each row trains with `python -m eflow_jax.main` in its own process (a crash or kill costs that row's
steps since its checkpoint), then runs `--mode=eval` and `--mode=sample` (its still). Stop it at any
moment and rerun the same command: finished rows are skipped, an unfinished row resumes. Rows that
differ only in how they are sampled (Tab. 4's FM 50 / FM 4) share one training run.

The full sweep takes longer than one session on a 2-core CPU, and a session's machine (with its
training workdirs under `--root`) does not outlive it. So what must outlive it lives in `--results`
(default `docs/ablation_results/`, committed): each finished row's eval report `<table>_<row>.json`,
a still of its samples `<table>_<row>_samples.png` (sample_still.py; benchmarks/paper/plots.py stacks
them per table), its training curve `curves/<table>_<row>.json`, and the two references every row is
scored against, the Moving MNIST classifier and the I3D statistics of the real clips, so rows scored
in different sessions, on different machines, use the same measuring instruments (committed, 1.5
MB; checked against every row's eval settings before anything trains); the I3D features of the
held-out real clips (`features_*.npy`) are rebuilt when missing, not committed.
A row whose report is there is done if it was made with this sweep's settings and not edited: each report
keeps its row, step budget and `--override`s (`"sweep"`) and the sha256 of its values (eflow_jax/own_digest.py):
one of other settings (a `--steps=200` quick look, then the full sweep), of another row (copied) or edited is refused before anything
runs, naming the rows; one without a digest (older) is printed with a warning.
Training workdirs are keyed by everything trained (`training_key`), so they never mix either. A row
trained on another machine (a GPU: benchmarks/gpu/ablation_rows.sh) comes back as an export of its EMA
weights in its workdir, with its metrics.jsonl: the sweep scores it here without training. Prints a
Markdown table per table (pasted into docs/results.md); exits non-zero when a row failed.
"""
import argparse
import hashlib
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks.scaffold import REPO  # noqa: E402
from benchmarks.sweeps import row_process  # noqa: E402
from benchmarks.sweeps.sample_still import write_still  # noqa: E402
from benchmarks.sweeps.sweep_folders import sweep_folders  # noqa: E402
from benchmarks.sweeps.sweep_rows import TABLES, parse_tables, row_config, selected_rows  # noqa: E402
from benchmarks.sweeps.training_curves import save_training_curve  # noqa: E402
from eflow_jax import own_digest  # noqa: E402
from eflow_jax.atomic_io import write_atomically  # noqa: E402
from eflow_jax.cli_checks import ClosedReaderSafe  # noqa: E402
from eflow_jax.pipeline import CONFIG_FILE  # noqa: E402
from eflow_jax.pipeline import is_export  # noqa: E402
from eflow_jax.user_paths import absolute_path_override, expand_home_flags  # noqa: E402

SAMPLING_FIELDS = ("sampler", "inference_steps")     # flow.* fields that do not change training
IMPLEMENTATION_FIELDS = ("attention_impl", "window_block")   # model.* fields: same math, other code
# Top-level fields that watch a run without changing what it trains.
OBSERVING_FIELDS = ("sample_every", "sample_every_minutes", "eval_every", "profile", "log_flops", "peak_tflops_per_device")
METRIC_COLUMNS = ("fvd", "fvd_real", "classifier_fd", "class_accuracy", "sharpness", "nfe", "step",
                  "diverged_at_step")


def training_key(config) -> str:
  """Rows with equal training configs (all but the sampling fields) share one training run; how
  attention is computed (jnp reference or Pallas, the query tile), the SLA / VSA knobs of a model
  that uses neither, and what watches the run (samples, evaluations and every eval.* setting,
  profiles, FLOP counts) are not part of what is trained."""
  cfg = json.loads(config.to_json_best_effort())
  for field in SAMPLING_FIELDS:
    cfg["flow"].pop(field, None)
  for field in IMPLEMENTATION_FIELDS:
    cfg["model"].pop(field, None)
  for kind in ("sla", "vsa"):            # a baseline's knobs train nothing unless it is the attention
    if cfg["model"].get("attention") != kind:
      for field in [f for f in cfg["model"] if f.startswith(kind + "_")]:
        cfg["model"].pop(field)
  for field in OBSERVING_FIELDS:
    cfg.pop(field, None)
  cfg.pop("eval", None)       # how a run is scored (samples, I3D, diagnostics) trains nothing
  if cfg.get("grad_accum_steps", 1) == 1:            # the default is the step without accumulation
    cfg.pop("grad_accum_steps", None)
  return hashlib.sha1(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:10]


# config.eval fields that say where the sweep keeps its references (--results), not how a row scores.
REFERENCE_FIELDS = ("classifier_path", "i3d_reference_path", "score_at_end")


def report_key(config) -> str:
  """What a row's report measures: the trained and sampled config and how it is scored (eval.*),
  without what only watches the run or says where the references are kept."""
  cfg = json.loads(config.to_json_best_effort())
  for field in OBSERVING_FIELDS:
    cfg.pop(field, None)
  for field in REFERENCE_FIELDS:
    cfg.get("eval", {}).pop(field, None)
  return hashlib.sha1(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:10]


def sweep_settings(config, overrides, row: str) -> dict:
  """What a report records of the sweep that made it (compared by `settings_mismatch`): its row
  (TABLE:ROW: a report copied to another row's name was printed as that row's), steps, overrides."""
  return {"row": row, "total_steps": int(config.total_steps), "overrides": list(overrides),
          "report_key": report_key(config)}


def settings_mismatch(report: dict, settings: dict) -> str | None:
  """How an existing report's settings differ from this sweep's, else None. A report written before
  reports recorded them is checked by its step (a diverged row's is where it stopped), and cannot
  match an --override: what it was made with is not known."""
  made = report.get("sweep")
  if isinstance(made, dict) and made.get("row", settings["row"]) != settings["row"]:
    return f"the report of row {made['row']} (copied or renamed?), not of {settings['row']}"
  if made is None:
    step = report.get("step")
    if settings["overrides"]:
      return f"written before reports recorded their settings, so not known to match --override {settings['overrides']}"
    if step is None or "diverged_at_step" in report or step == settings["total_steps"]:
      return None
    return f"trained {step} steps, this sweep {settings['total_steps']}"
  if made.get("report_key") == settings["report_key"]:
    return None
  if made.get("total_steps") == settings["total_steps"] and made.get("overrides") == settings["overrides"]:
    return "same steps and overrides, but the row's config resolves differently now (its recipe changed)"
  return (f"made with total_steps={made.get('total_steps')} and --override {made.get('overrides')}, this sweep "
          f"total_steps={settings['total_steps']} and --override {settings['overrides']}")


def read_report(path: str) -> tuple[dict | None, str | None]:
  """(report, None), or (None, why it is not one): a copy cut short, a hand edit to a JSON list."""
  try:
    with open(path) as f:
      report = json.load(f)
  except (OSError, ValueError) as e:
    return None, f"unreadable ({type(e).__name__})"
  return (report, None) if isinstance(report, dict) else (None, f"a JSON {type(report).__name__}")


def report_problems(planned, *, unreadable: bool = True) -> list[str]:
  """How each existing report of a selected row differs from this sweep's settings; with
  `unreadable`, also the reports that are not a readable JSON object."""
  problems, seen = [], {}
  for name, report_path, settings in planned:
    if not os.path.exists(report_path):
      continue
    report, problem = read_report(report_path)
    if problem:
      if unreadable:
        problems.append(f"{name}: {report_path} is not a report ({problem})")
      continue
    edited = own_digest.matches(report) is False and "edited after the sweep wrote it: its values differ from those measured"
    mismatch = settings_mismatch(report, settings) or edited
    numbers = json.dumps({k: v for k, v in report.items() if k not in ("sweep", own_digest.KEY)}, sort_keys=True)
    twin = seen.setdefault(numbers, (name, settings["report_key"])) if not mismatch else None
    if mismatch:
      problems.append(f"{name}: {report_path} was {mismatch}")
    elif twin[1] != settings["report_key"]:      # two recipes cannot measure the same numbers: a copy (no row kept)
      problems.append(f"{name}: {report_path} holds the very numbers of {twin[0]}'s report (one of the two was copied "
                      f"under the other's name)")
  return problems


def check_existing_reports(planned) -> None:
  """Before anything runs: every existing report of a selected row must match this sweep's settings."""
  problems = report_problems(planned)
  if problems:
    raise SystemExit(f"reports of other settings, or edited, are in --results ({'; '.join(problems[:3])}"
                     f"{f'; and {len(problems) - 3} more' if len(problems) > 3 else ''}): give this sweep its own "
                     f"--results, or move those reports away; nothing was run.")


def place_report(partial: str, report: str, settings: dict, diverged: int | None) -> None:
  """The eval report, with the sweep's settings (and where a diverged row stopped), written into
  --results under a temporary name and renamed: a report there is always complete."""
  with open(partial) as f:
    scored = json.load(f)
  scored["sweep"] = settings
  if diverged is not None:
    scored["diverged_at_step"] = diverged
  write_atomically(report, own_digest.with_own_digest(scored))      # an edited score is then told from a measured one
  os.remove(partial)


def run(cmd, log_path):
  return row_process.run(cmd, log_path, REPO)


def parse_args(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                   allow_abbrev=False)   # `--res ~/x` would pass user_paths by as another flag
  parser.add_argument("--tables", action="append", default=None,
                      help="tables to sweep (comma-separated, repeatable; default: all)")
  parser.add_argument("--root", default=os.path.join(REPO, "runs", "ablations"),
                      help="training workdirs and logs (per machine)")
  parser.add_argument("--results", default=os.path.join(REPO, "docs", "ablation_results"),
                      help="row reports, classifier, I3D reference (kept across sessions: commit it)")
  parser.add_argument("--rows", action="append", default=None,
                      help="only these TABLE:ROW names (comma-separated, repeatable)")
  parser.add_argument("--steps", type=int, default=None, help="override the budget (default: configs/ablations/common.py)")
  parser.add_argument("--report_only", action="store_true")
  parser.add_argument("--override", action="append", default=[], type=absolute_path_override,
                      help="extra --config.x=y for every run (repeatable), e.g. --override=--config.eval.use_i3d=True")
  args = parser.parse_args(expand_home_flags(sys.argv[1:] if argv is None else argv, ("root", "results")))
  # Given twice, both count (as --override does): a last-one-wins flag dropped the first rows unnoticed.
  if args.rows is not None and not ",".join(args.rows).replace(",", "").strip():   # every row, unnoticed
    raise SystemExit(f"--rows={','.join(args.rows)} names no row; name TABLE:ROW rows, or leave --rows out to sweep "
                     f"every row.")
  args.tables, args.rows = ",".join(args.tables or TABLES), ",".join(args.rows or [])
  if args.steps is not None and args.steps < 1:     # 0 would fall back to the full budget unnoticed
    raise SystemExit(f"--steps={args.steps} must be >= 1 (leave it out for the full budget).")
  args.root, args.results = sweep_folders(args.root, args.results)
  return args


def main(argv=None):
  args = parse_args(argv)
  tables = parse_tables(args.tables)
  selected = selected_rows(tables, args.rows)
  planned = []
  for name, path in selected:
    table, row = name.split(":")
    config = row_config(path, row, args.steps, args.override)
    planned.append((name, os.path.join(args.results, f"{table}_{row}.json"), sweep_settings(config, args.override, name),
                    config))
  if args.report_only:          # printed all the same, but not as this sweep's rows
    for problem in report_problems([plan[:3] for plan in planned], unreadable=False):
      print(f"warning: {problem}: its row below is not this sweep's measurement.", file=sys.stderr)
  else:
    check_existing_reports([plan[:3] for plan in planned])
    check_row_configs([(plan[0], plan[3]) for plan in planned], args)
    failed = [name for (name, path), (_, report, settings, config) in zip(selected, planned)
              if not sweep_row(name, path, report, settings, config, args)]
  printed = print_tables(load_results(args.results), tables, [n for n, _ in selected] if args.rows.strip() else None)
  if args.report_only and not printed:       # an empty screen and exit 0 read as "nothing to see"
    raise SystemExit(f"--report_only: {args.results} holds no report of the {len(selected)} row(s) asked for: sweep them first.")
  if not args.report_only and failed:
    raise SystemExit(f"{len(failed)} row(s) failed, without a report: {', '.join(failed)}; see their logs in {args.root}.")


def reference_paths(results: str) -> dict:
  """config.eval fields -> the references every row is scored against, kept in --results."""
  return {"classifier_path": os.path.join(results, "classifier.npz"),
          "i3d_reference_path": os.path.join(results, "i3d_reference.npz")}


def check_row_configs(named_configs, args) -> None:
  """Every row's config as main.py will check it, and the metric caches its eval will read, before
  the first training: a bad --override or --steps, or a classifier in --results trained with other
  steps, otherwise failed each row in turn after its training, only in its log."""
  from eflow_jax import workdir as workdir_lib  # pylint: disable=g-import-not-at-top
  from eflow_jax.train import validate  # pylint: disable=g-import-not-at-top
  for name, config in named_configs:
    scored = config.copy_and_resolve_references()
    scored.eval.update(reference_paths(args.results))
    try:
      validate.check_run_config(config, read_data=False)
      workdir_lib.check_metric_caches(scored, os.path.join(args.root, "train_" + training_key(config)),
                                      use_i3d=scored.eval.use_i3d)
    except (ValueError, OSError) as e:
      raise SystemExit(f"{name}: {e}") from None


def sweep_row(name: str, path: str, report: str, settings: dict, config, args) -> bool:
  """One row: trained (resumed) unless its report exists or it came back as an export, then scored,
  its still and curve kept, its report placed in --results. Whether it has its report: a failure is
  printed and the sweep goes on (and exits non-zero at the end)."""
  table, row = name.split(":")
  references = [f"--config.eval.{field}={path}" for field, path in reference_paths(args.results).items()]
  still = os.path.join(args.results, f"{table}_{row}_samples.png")
  gif_stem = os.path.join(args.root, f"{table}_{row}_samples")
  overrides = [*references, *args.override]
  if args.steps:
    overrides.insert(0, f"--config.total_steps={args.steps}")
  workdir = os.path.join(args.root, "train_" + training_key(config))
  base = [sys.executable, "-m", "eflow_jax.main", f"--config={path}:{row}", f"--workdir={workdir}",
          *overrides]
  log = os.path.join(args.root, f"{table}_{row}.log")
  curve = os.path.join(args.results, "curves", f"{table}_{row}.json")
  if os.path.exists(report):
    if not os.path.exists(still) and os.path.isdir(workdir):   # rows finished before stills were kept
      save_sample_still(base, gif_stem, still, log)
    if not os.path.exists(curve):                              # rows finished before curves were kept
      save_training_curve(workdir, curve)
    return True
  exported_step = export_step(workdir)
  if exported_step is not None and exported_step != config.total_steps:
    print(f"{name}: {workdir} holds an export of step {exported_step}, not {config.total_steps}; "
          f"skipped (resume its training from a checkpoint instead)", flush=True)
    return False
  # The row is scored below (--mode=eval, with FVD when asked): the run's own end-of-run score
  # (demo.py's eval.score_at_end) would sample the same 200 clips a second time. A workdir that
  # holds an export was trained elsewhere (benchmarks/gpu/ablation_rows.sh): it is only scored.
  code = 0 if exported_step is not None else run([*base, "--config.eval.score_at_end=0"], log)
  save_training_curve(workdir, curve)        # also of a run that stopped on a non-finite loss
  diverged = halted_at_step(log) if code == HALTED_ON_NAN else None
  if code != 0 and diverged is None:
    print(f"{name}: training failed, see {log}; continuing with the next row", flush=True)
    return False
  partial = os.path.join(args.root, f"{table}_{row}.json")   # moved into --results once complete
  if run([*base, "--mode=eval", f"--output={partial}"], log) != 0 or not os.path.exists(partial):
    print(f"{name}: eval failed, see {log}", flush=True)
    return False
  if diverged is not None:     # a result, not a failure (paper Fig. 5: SLA diverges): scored as it stopped
    print(f"{name}: diverged at step {diverged}; scoring its last good state", flush=True)
  save_sample_still(base, gif_stem, still, log)
  place_report(partial, report, settings, diverged)
  return True


def save_sample_still(base_cmd, gif_stem: str, path: str, log: str) -> bool:
  """Samples the row as it is evaluated (its sampler and steps, EMA weights, seed 0), kept as a still."""
  if run([*base_cmd, "--mode=sample", f"--output={gif_stem}"], log) != 0:
    print(f"sample still failed, see {log}", flush=True)
    return False
  write_still(gif_stem + ".gif", path)
  return True


def export_step(workdir: str) -> int | None:
  """The step of the export (`python -m eflow_jax.tools.export`) that `workdir` holds, else None."""
  if not is_export(workdir):
    return None
  with open(os.path.join(workdir, CONFIG_FILE)) as f:
    return int(json.load(f)["step"])


HALTED_ON_NAN = 3        # eflow_jax.main's exit code when nan_policy=halt stopped the run


def halted_at_step(log_path: str) -> int | None:
  """The step of the non-finite loss that halted the run, from its one-line error (train/fault_tolerance.py)."""
  with open(log_path) as f:
    found = re.findall(r"^error: non-finite .* at step (\d+) ", f.read(), flags=re.M)
  return int(found[-1]) if found else None


def load_results(results_dir: str) -> dict:
  """{TABLE:ROW: report} from the `<table>_<row>.json` files in `results_dir`; a file that is not a
  readable JSON object (a copy cut short, a hand edit) is left out with one warning line."""
  results = {}
  for fname in sorted(os.listdir(results_dir)):
    stem = fname.removesuffix(".json")
    table = next((t for t in TABLES if stem.startswith(t + "_")), None)   # table names may hold '_'
    row = stem[len(table) + 1:] if table else ""
    if fname.endswith(".json") and table:
      path = os.path.join(results_dir, fname)
      report, problem = read_report(path)
      if problem:
        print(f"warning: {path} is not a report ({problem}); row {table}:{row} is left out.", file=sys.stderr,
              flush=True)
        continue
      results[f"{table}:{row}"] = report
  unchecked = [name for name, report in results.items() if own_digest.matches(report) is None]
  if unchecked:              # a published row must not pass for measured when nothing can tell
    print(f"warning: {len(unchecked)} report(s) in {results_dir} carry no digest of their numbers (written before "
          f"reports had one, or removed with an edit): rows printed unchecked: {', '.join(unchecked)}.", file=sys.stderr)
  return results


def print_tables(results, tables, only=None) -> int:
  """Prints the tables' rows found in `results` (`only`: the TABLE:ROW names of --rows), returns their count."""
  printed = 0
  for table in tables:
    rows = {k.split(":", 1)[1]: v for k, v in results.items()
            if k.startswith(table + ":") and (only is None or k in only)}
    printed += len(rows)
    if not rows:
      continue
    columns = [c for c in METRIC_COLUMNS if any(c in r or c in r.get("protocol", {}) for r in rows.values())]
    print(f"\n{table}\n| row | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for row, metrics in rows.items():
      values = {**metrics.get("protocol", {}), **metrics}
      cells = [f"{values[c]:.4g}" if isinstance(values.get(c), (int, float)) else "" for c in columns]
      print(f"| {row} | " + " | ".join(cells) + " |")
  return printed


if __name__ == "__main__":
  if sys.stdout is not None:     # `| head` must not stop the rows still to train (eflow_jax/main.py alike)
    sys.stdout = ClosedReaderSafe(sys.stdout)
  row_process.main_interruptible(main)
