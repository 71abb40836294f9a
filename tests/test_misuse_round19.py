"""The eighteenth and nineteenth rounds of misuse (docs/misuse/round18.json, round19.json list every
case tried). Fixed here: a run's metrics.jsonl linked into a log folder that was moved or not mounted
lost every record of the run behind one warning that named the link (which `ls` shows is there) and
one step; a report renamed by hand to a name without `.json` stayed beside re-exported weights."""
import json
import os
import re

import pytest

from eflow_jax import workdir as workdir_lib
from eflow_jax.train import progress


def test_a_metrics_link_into_a_missing_folder_is_refused_before_training(tmp_path, capsys):
  """Round 18 (M12): the records went nowhere; the check names the link's target and its folder."""
  run = tmp_path / "run"
  run.mkdir()
  os.symlink(tmp_path / "logs" / "nofolder" / "run.jsonl", run / "metrics.jsonl")
  with pytest.raises(OSError, match=r"metrics\.jsonl is a symbolic link to .*/logs/nofolder/run\.jsonl, whose "
                                    r"folder .*/logs/nofolder does not exist: every record would be lost"):
    workdir_lib.check_run_file_links(str(run))
  (tmp_path / "logs" / "nofolder").mkdir(parents=True)        # the folder is back, the file is not
  workdir_lib.check_run_file_links(str(run))
  assert re.search(r"warning: .*metrics\.jsonl is a symbolic link to .*/nofolder/run\.jsonl, which does not exist",
                   capsys.readouterr().err)
  (tmp_path / "logs" / "nofolder" / "run.jsonl").write_text("")   # a link to a file: nothing to say
  workdir_lib.check_run_file_links(str(run))
  assert capsys.readouterr().err == ""
  os.symlink(tmp_path / "gone" / "x.jsonl", run / "metrics.superseded.jsonl")
  with pytest.raises(OSError, match=r"metrics\.superseded\.jsonl is a symbolic link"):
    workdir_lib.check_run_file_links(str(run))


def test_records_that_could_not_be_written_are_counted_when_the_writer_closes(tmp_path, capsys):
  """Round 18 (M12): one warning at the first lost record, none at the later ones, read as if only
  that step was lost."""
  os.symlink(tmp_path / "missing" / "run.jsonl", tmp_path / "metrics.jsonl")
  writer = progress.MetricWriter(str(tmp_path))
  for step in (1, 2, 3):
    writer.write(step, {"loss": 1.0})
  writer.close()
  err = capsys.readouterr().err
  assert len(re.findall(r"metrics at step \d+ not written", err)) == 1
  assert "the last 3 metric record(s) of this run were not written" in err
  writer = progress.MetricWriter(str(tmp_path / "fine"))
  writer.write(1, {"loss": 1.0})
  writer.close()
  assert "not written" not in capsys.readouterr().err


def test_a_report_renamed_without_json_is_set_aside_by_a_re_export(tmp_path):
  """Round 17's leftover: a report renamed by hand (`best_report`, `eval.txt`) was not found by a
  re-export and read as a report of the new weights."""
  from eflow_jax import weights_digest
  old = {"step": 12, "weights_sha256": "a" * 64, "fvd": 1.0}
  (tmp_path / "best_report").write_text(json.dumps(old))
  (tmp_path / "notes").mkdir()
  (tmp_path / "notes" / "eval.txt").write_text("\n  " + json.dumps(old))
  (tmp_path / "same.txt").write_text(json.dumps({**old, "weights_sha256": "b" * 64}))
  (tmp_path / "settings.txt").write_text(json.dumps({"lr": 1e-3}))
  (tmp_path / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00" + b"{" * 16)
  moved = weights_digest.set_aside_reports_of_other_weights(str(tmp_path), "b" * 64)
  assert sorted(os.path.relpath(m, tmp_path) for m in moved) == ["best_report.superseded.json",
                                                                  "notes/eval.txt.superseded.json"]
  assert json.loads((tmp_path / "best_report.superseded.json").read_text()) == old
  assert sorted(os.listdir(tmp_path)) == ["best_report.superseded.json", "model.safetensors", "notes", "same.txt",
                                          "settings.txt"]
