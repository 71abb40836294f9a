"""benchmarks/sweeps/ablation_sweep.py never passes off a report made with other settings as a row's result:
reports record the step budget and overrides they were made with, a sweep with other settings is
refused before it runs anything, and training workdirs are keyed by what is trained (the trainings
are stand-ins here: `run` is replaced, as in tests/test_benchmarks_smoke.py)."""
import json
import os
import sys

import numpy as np
import pytest
from conftest import fake_sweep_run

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)     # benchmarks/ is a package of the repo, not of the install


@pytest.fixture()
def sweep(monkeypatch):
  from benchmarks.sweeps import ablation_sweep
  calls = []
  monkeypatch.setattr(ablation_sweep, "run", fake_sweep_run(calls, record_step=True))
  return ablation_sweep, calls


def test_a_rerun_with_another_step_budget_is_refused_not_reprinted(sweep, tmp_path):
  ablation_sweep, calls = sweep
  argv = ["--tables=table4", f"--results={tmp_path / 'results'}", f"--root={tmp_path / 'root'}",
          "--rows=table4:sfm_4"]
  ablation_sweep.main(argv + ["--steps=4"])
  report = json.load(open(tmp_path / "results" / "table4_sfm_4.json"))
  assert report["sweep"]["total_steps"] == 4 and report["sweep"]["overrides"] == []
  calls.clear()
  with pytest.raises(SystemExit, match=r"reports of other settings, or edited, are in --results \(table4:sfm_4: "
                                       r".*table4_sfm_4.json was made with total_steps=4 and --override \[\], "
                                       r"this sweep total_steps=8"):
    ablation_sweep.main(argv + ["--steps=8"])
  with pytest.raises(SystemExit, match="this sweep total_steps=4000"):     # the full budget after a quick look
    ablation_sweep.main(argv)
  with pytest.raises(SystemExit, match=r"--override \['--config.flow.w_max=3.0'\]"):
    ablation_sweep.main(argv + ["--steps=4", "--override=--config.flow.w_max=3.0"])
  assert not calls
  ablation_sweep.main(argv + ["--steps=4"])                      # the same settings: done, nothing runs
  assert not calls


def test_a_report_edited_by_hand_is_not_reprinted_as_a_measurement(sweep, tmp_path, capsys):
  """Before: a score 'corrected' in a report was printed in the table as the row's measurement."""
  ablation_sweep, calls = sweep
  argv = ["--tables=table4", f"--results={tmp_path / 'results'}", f"--root={tmp_path / 'root'}",
          "--rows=table4:sfm_4", "--steps=4"]
  ablation_sweep.main(argv)
  path = tmp_path / "results" / "table4_sfm_4.json"
  report = json.loads(path.read_text())
  json.dump({**report, "step": report["step"]}, open(path, "w"), indent=2, sort_keys=True)   # the same values, re-laid
  calls.clear()
  capsys.readouterr()
  ablation_sweep.main(argv)
  assert calls == [] and "no digest" not in capsys.readouterr().err          # reused: nothing trained again
  json.dump({**report, "classifier_fd": 0.01}, open(path, "w"), indent=1)
  with pytest.raises(SystemExit, match=r"table4_sfm_4\.json was edited after the sweep wrote it: its values differ from "
                                       r"those measured\)"):
    ablation_sweep.main(argv)
  capsys.readouterr()
  ablation_sweep.main(argv + ["--report_only"])
  assert "was edited after the sweep wrote it" in capsys.readouterr().err and calls == []
  # Round 24 (T03): the digest line removed with the edit: the row is printed, said to be unchecked.
  json.dump({k: v for k, v in report.items() if k != "written_sha256"} | {"classifier_fd": 0.01}, open(path, "w"))
  ablation_sweep.main(argv)
  assert calls == [] and ("warning: 1 report(s) in " in capsys.readouterr().err)


def test_a_report_written_before_reports_recorded_their_settings_is_checked_by_its_step(sweep, tmp_path):
  ablation_sweep, calls = sweep
  results = tmp_path / "results"
  results.mkdir()
  (results / "table4_sfm_4.json").write_text(json.dumps({"class_accuracy": 0.3, "step": 200}))
  argv = ["--tables=table4", f"--results={results}", f"--root={tmp_path / 'root'}", "--rows=table4:sfm_4"]
  with pytest.raises(SystemExit, match="table4_sfm_4.json was trained 200 steps, this sweep 4000"):
    ablation_sweep.main(argv)
  ablation_sweep.main(argv + ["--steps=200"])
  assert not calls
  # It records no overrides: under any --override (guidance 2 over a report measured at 4) it is not
  # this sweep's row.
  with pytest.raises(SystemExit, match=r"table4_sfm_4.json was written before reports recorded their settings, "
                                       r"so not known to match --override \['--config.flow.w_inf=2.0'\]"):
    ablation_sweep.main(argv + ["--steps=200", "--override=--config.flow.w_inf=2.0"])
  assert not calls


def test_training_workdirs_are_keyed_by_the_overrides_that_change_training(sweep, tmp_path):
  ablation_sweep, calls = sweep

  def workdir_of(*extra, root):
    calls.clear()
    ablation_sweep.main(["--tables=table4", f"--results={tmp_path / root / 'results'}", f"--root={tmp_path / root}",
                         "--rows=table4:sfm_4", "--steps=4", *extra])
    return {a for c in calls for a in c if a.startswith("--workdir=")}.pop().rsplit("/", 1)[1]

  plain = workdir_of(root="a")
  assert workdir_of("--override=--config.flow.w_max=3.0", root="b") != plain
  assert workdir_of("--override=--config.eval.use_i3d=True", root="c") == plain     # scoring trains nothing
  with pytest.raises(SystemExit, match="--override: .*modle"):
    workdir_of("--override=--config.modle.hidden=8", root="d")


@pytest.mark.parametrize("extra, message", [
    (["--override=total_steps=5"], r"^--override=total_steps=5 is not a flag; overrides look like "
                                   r"--override=--config.a.b=value"),
    (["--override=--config.flow.wmax=3"], r"^--override: --config.flow.wmax: the config has no field 'wmax'"),
    (["--steps=0"], r"^--steps=0 must be >= 1"),        # 0 fell back to the full 4000-step budget
    (["--steps=-5"], r"^--steps=-5 must be >= 1"),
])
def test_a_bad_option_is_one_line_before_any_row_runs(sweep, tmp_path, extra, message):
  ablation_sweep, calls = sweep
  with pytest.raises(SystemExit, match=message):
    ablation_sweep.main(["--tables=table4", f"--results={tmp_path / 'results'}", f"--root={tmp_path / 'root'}",
                         "--rows=table4:sfm_4", *extra])
  assert not calls


@pytest.mark.parametrize("flag", ["--results", "--root"])
def test_a_results_or_root_that_is_a_file_is_one_line(sweep, tmp_path, flag):
  ablation_sweep, calls = sweep
  blocker = tmp_path / "a_file"
  blocker.write_text("mine")
  folders = {"--results": str(tmp_path / "results"), "--root": str(tmp_path / "root"), flag: str(blocker)}
  with pytest.raises(SystemExit, match=f"^{flag}={blocker} cannot be a folder"):
    ablation_sweep.main(["--tables=table4", "--rows=table4:sfm_4", *(f"{k}={v}" for k, v in folders.items())])
  assert blocker.read_text() == "mine" and not calls


def test_a_reference_classifier_of_other_steps_is_refused_before_any_row_trains(sweep, tmp_path):
  """A quick look's classifier (classifier_steps=20) left in --results: the next row without that
  override trained fully, then its eval refused the classifier, and the sweep exited 0."""
  from eflow_jax.metrics import classifier
  ablation_sweep, calls = sweep
  results = tmp_path / "results"
  results.mkdir()
  config = ablation_sweep.row_config(os.path.join(REPO, "configs/ablations/table4.py"), "fm_4", 6, [])
  classifier.save_classifier(str(results / "classifier.npz"), {"w": np.zeros(2, np.float32)},
                             classifier.wanted_meta(classifier.geometry(config.data), 20, 0))
  argv = ["--tables=table4", f"--results={results}", f"--root={tmp_path / 'root'}", "--rows=table4:fm_4", "--steps=6"]
  with pytest.raises(SystemExit, match=r"^table4:fm_4: .*classifier.npz holds a clip classifier trained with "
                                       r"steps=20, this evaluation asks for steps=4000"):
    ablation_sweep.main(argv)
  assert not calls                                                        # nothing trained
  ablation_sweep.main(argv + ["--override=--config.eval.classifier_steps=20"])   # its own settings: runs
  assert [c for c in calls if "--mode=eval" in c]


def test_a_report_copied_to_another_rows_name_is_refused(sweep, tmp_path):
  """Round 36 (F27): a row's report copied under another row's name was printed as that row's result
  (its own digest still matched: the report held nothing saying which row it measured)."""
  import shutil
  ablation_sweep, calls = sweep
  results = tmp_path / "results"
  argv = ["--tables=table4", f"--results={results}", f"--root={tmp_path / 'root'}", "--steps=4",
          "--rows=table4:sfm_4,table4:pdg_sfm_4"]
  ablation_sweep.main(argv)
  assert json.load(open(results / "table4_sfm_4.json"))["sweep"]["row"] == "table4:sfm_4"
  shutil.copy(results / "table4_sfm_4.json", results / "table4_pdg_sfm_4.json")
  calls.clear()
  with pytest.raises(SystemExit, match=r"table4:pdg_sfm_4: .*table4_pdg_sfm_4.json was the report of row "
                                       r"table4:sfm_4 \(copied or renamed\?\), not of table4:pdg_sfm_4"):
    ablation_sweep.main(argv)
  assert not calls


def test_a_report_without_a_row_copied_to_another_rows_name_is_warned_of(sweep, tmp_path, capsys):
  """Round 36 (F27): a shipped report (no settings, no digest) copied under another row's name printed
  the same numbers for both rows; two recipes cannot measure the very same numbers."""
  import shutil
  ablation_sweep, _ = sweep
  results = tmp_path / "results"
  results.mkdir()
  (results / "table4_sfm_4.json").write_text(json.dumps({"step": 4000, "fvd": 325.3, "sharpness": 0.2335}))
  shutil.copy(results / "table4_sfm_4.json", results / "table4_pdg_sfm_4.json")
  ablation_sweep.main(["--tables=table4", f"--results={results}", f"--root={tmp_path / 'root'}", "--report_only",
                       "--rows=table4:sfm_4,table4:pdg_sfm_4"])
  err = capsys.readouterr().err
  assert (f"warning: table4:pdg_sfm_4: {results / 'table4_pdg_sfm_4.json'} holds the very numbers of table4:sfm_4's "
          f"report (one of the two was copied under the other's name): its row below is not this sweep's "
          f"measurement.") in err, err
