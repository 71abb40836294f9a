"""benchmarks/ is split by purpose and stands on one scaffold (benchmarks/scaffold.py): every script
imports it, runs from anywhere as a file, writes its report through it (stamped with the command,
commit and machine), and is listed in benchmarks/README.md; the README's file map names each folder."""
import json
import os
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))     # benchmarks/ is a package of the repo, not of the install

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top

FOLDERS = ("paper", "sweeps", "dev", "gpu")
SCRIPTS = sorted(p for p in (REPO / "benchmarks").glob("*/*") if p.suffix in (".py", ".sh") and p.name != "__init__.py")
# Data files the sweeps keep beside their reports, not benchmark reports: a row's training curve and
# the manifest of what came back from a GPU.
WRITES_OWN_JSON = {"sweeps/training_curves.py", "sweeps/train_rows_parallel.py"}


def test_every_script_sits_in_a_purpose_folder_and_is_listed():
  readme = (REPO / "benchmarks" / "README.md").read_text()
  assert {p.parent.name for p in SCRIPTS} == set(FOLDERS)
  assert sorted(p.name for p in (REPO / "benchmarks").iterdir() if p.is_file()) == [
      "README.md", "__init__.py", "scaffold.py"]
  for path in SCRIPTS:
    assert f"`{path.name}`" in readme, path
  file_map = (REPO / "README.md").read_text()
  for folder in FOLDERS:
    assert f"`benchmarks/{folder}/`" in file_map, folder


def test_every_python_script_stands_on_the_scaffold():
  """Scripts (files with a __main__ entry); the pure helpers they import (a closed form, an HLO
  parser) need no scaffold of their own."""
  for path in SCRIPTS:
    if path.suffix != ".py":
      continue
    name, text = path.relative_to(REPO / "benchmarks").as_posix(), path.read_text()
    if '__name__ == "__main__"' not in text:
      assert "json.dump(" not in text and "argparse" not in text, f"{name} is a helper module that acts like a script"
      continue
    assert "from benchmarks import scaffold" in text or "from benchmarks.scaffold import" in text, name
    if name not in WRITES_OWN_JSON:
      assert "json.dump(" not in text, f"{name} writes JSON by hand: scaffold.write_json stamps it"


def test_a_script_runs_from_anywhere_as_a_file(tmp_path):
  script = REPO / "benchmarks" / "sweeps" / "equal_time.py"
  done = subprocess.run([sys.executable, str(script), "--help"], cwd=tmp_path, capture_output=True, text=True)
  assert done.returncode == 0 and "--json" in done.stdout, done.stderr[-2000:]


def test_write_json_stamps_the_report_with_what_remakes_it(tmp_path, capsys):
  path = tmp_path / "deeper" / "report.json"
  script = str(REPO / "benchmarks" / "paper" / "flop_ladder.py")
  scaffold.write_json({"rows": [1, 2], "device": "mine", "wall_s": 3.0}, str(path), script, ["--batch", "4"])
  report = json.loads(path.read_text())
  assert report["command"] == "python benchmarks/paper/flop_ladder.py --batch 4"
  assert len(report["commit"]) == 40 and isinstance(report["uncommitted_changes"], bool)
  assert report["machine"] and report["date"] and report["rows"] == [1, 2]
  assert report["device"] == "mine"                       # the result's own keys win
  assert f"wrote {path} (3 s)" in capsys.readouterr().out
  assert os.listdir(path.parent) == ["report.json"]      # written atomically: no temporary left
  scaffold.write_json({"rows": []}, "", script)            # no path: no report
  assert os.listdir(path.parent) == ["report.json"]


def test_time_interleaved_warms_up_then_takes_medians():
  calls = []
  fns = {name: (lambda name=name: calls.append(name)) for name in ("a", "b")}
  medians = scaffold.time_interleaved(fns, {"a": (), "b": ()}, 3)
  assert calls == ["a", "b"] * 4 and set(medians) == {"a", "b"}
  assert all(m >= 0 for m in medians.values())
