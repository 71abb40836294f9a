"""Cases found by trying round 23's fixes at their edges (round 24 of docs/misuse/): a relative record
path through a link and '..', a config file whose get_config returns a plain dict."""
import os
import subprocess
import sys

from eflow_jax import user_paths
from tiny_config import get_config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_a_relative_record_path_through_a_link_is_read_as_the_system_reads_it(tmp_path, monkeypatch):
  """Round 24 (T06): 'current/../train' with `current` a link to versions/v3 was made absolute by
  text, as proj/train (an older set beside the link), while the shell and the OS read versions/train."""
  for folder in ("versions/v3", "versions/train", "proj/train"):
    os.makedirs(tmp_path / folder)
  os.symlink(tmp_path / "versions" / "v3", tmp_path / "proj" / "current")
  monkeypatch.chdir(tmp_path / "proj")
  config = get_config()
  config.data.path, config.data.eval_path = "current/../train", "train"
  user_paths.absolute_record_paths(config)
  assert os.path.samefile("current/../train", tmp_path / "versions" / "train")       # what the OS opens
  assert config.data.path == os.path.realpath(tmp_path / "versions" / "train")
  assert config.data.eval_path == os.path.realpath(tmp_path / "proj" / "train")


def test_a_config_file_returning_a_plain_dict_is_named_in_one_line(tmp_path):
  """Round 24 (T09): "error: 'dict' object has no attribute 'lock'"."""
  path = tmp_path / "cfg.py"
  path.write_text(f"import sys\nsys.path.insert(0, {os.path.join(REPO, 'tests')!r})\nimport tiny_config\n"
                  "def get_config(arg=None):\n  return tiny_config.get_config().to_dict()\n")
  result = subprocess.run([sys.executable, "-m", "eflow_jax.main", f"--config={path}", f"--workdir={tmp_path / 'w'}"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
  assert result.returncode == 2 and result.stderr == (
      f"error: --config={path}: get_config() returned a dict, not an ml_collections.ConfigDict; return "
      f"ml_collections.ConfigDict(...) of it.\n")
  assert not (tmp_path / "w").exists()


def test_a_resume_onto_a_set_numbering_its_classes_without_names_is_refused(tmp_path):
  """Round 24 (T19): a cat/dog run continued on a set labelled 0/1 by numbers (dog as 0) trained with
  every class swapped; only the data order was warned about."""
  import json
  import pytest
  from eflow_jax.data import records
  from eflow_jax.train import fault_tolerance
  from test_prepare_data_misuse import make_video, prepare
  for i, label in enumerate(("cat", "dog")):
    make_video(tmp_path / "named" / label / f"v{i}.mp4", i)
  prepare(tmp_path / "named", tmp_path / "named_set")
  (tmp_path / "l.jsonl").write_text("".join(json.dumps({"video": f"named/{n}/v{i}.mp4", "label": 1 - i}) + "\n"
                                            for i, n in enumerate(("cat", "dog"))))
  prepare(tmp_path / "l.jsonl", tmp_path / "numbered_set", num_classes=2)
  config = get_config()
  config.data.update(source="array_record", path=str(tmp_path / "numbered_set"), channels=3)
  with pytest.raises(ValueError, match=r"^data\.path='.*numbered_set' numbers its classes without names, the set "
                                       r"checkpoint 12 trained on names them \['cat', 'dog'\]: which id is which class "
                                       r"cannot be checked"):
    fault_tolerance.check_same_kind_of_set(records.read_manifest(str(tmp_path / "named_set")), config, 12)


def test_a_file_as_the_workdir_of_training_or_the_export_is_named_so(tmp_path, capsys):
  """Round 24 (T22): training called the file 'not writable ... fix its permissions'; the export named
  Pipeline.from_workdir and advised the folder holding the notes."""
  import pytest
  from eflow_jax.tools import export as export_tool
  from eflow_jax.train import loop
  notes = tmp_path / "run"
  notes.write_text("my notes")
  with pytest.raises(FileExistsError, match=r"^--workdir=.*run is a file: training writes a run folder there"):
    loop.train(get_config(), str(notes))
  assert export_tool.main([f"--workdir={notes}", f"--output={tmp_path / 'exp'}"]) == 2
  assert capsys.readouterr().err == f"error: --workdir={notes} is a file: give a training run's folder (it holds checkpoints/).\n"
  assert notes.read_text() == "my notes" and not (tmp_path / "exp").exists()


def test_a_value_edited_with_the_digest_line_removed_is_kept_by_a_re_export(tmp_path, capsys):
  """Round 24 (T35): inference_steps 4 -> 8 with written_sha256 deleted counted as 'as written' and
  the re-export reverted it without a word."""
  import json
  from test_pipeline_misuse import write_run
  from eflow_jax.tools import export as export_tool
  write_run(str(tmp_path / "run"), steps=(2,))
  argv = [f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]
  assert export_tool.main(argv) == 0
  description = json.loads((tmp_path / "exp" / "config.json").read_text())
  description["config"]["flow"]["inference_steps"] = 8
  del description["written_sha256"]
  edited = json.dumps(description, indent=1)
  (tmp_path / "exp" / "config.json").write_text(edited)
  capsys.readouterr()
  assert export_tool.main(argv) == 0
  assert "(it carries no written_sha256: an older export's, or edited): kept as" in capsys.readouterr().err
  assert (tmp_path / "exp" / "config.edited.json").read_text() == edited


def test_the_sweeps_relative_path_overrides_are_read_from_the_users_folder(tmp_path, monkeypatch):
  """Round 24 (T36): --override=--config.data.path=data/train was handed as typed to a trainer started
  in the repository, which read the repository's data/train."""
  sys.path.insert(0, REPO)
  from benchmarks.sweeps import ablation_sweep
  monkeypatch.chdir(tmp_path)
  args = ablation_sweep.parse_args([f"--results={tmp_path / 'res'}", f"--root={tmp_path / 'root'}",
                                    "--override=--config.data.path=data/train", "--override=--config.seed=3",
                                    "--override=--config.eval.classifier_path=/abs/c.npz"])
  assert args.override == [f"--config.data.path={os.path.realpath(tmp_path / 'data' / 'train')}",
                           "--config.seed=3", "--config.eval.classifier_path=/abs/c.npz"]


def test_an_eval_of_a_read_only_model_folder_names_output_as_the_remedy(tmp_path):
  """Round 24 (T31): the eval of an export in a read-only store said only 'choose another directory'
  for --workdir (another model folder), though --output is the way."""
  import pytest
  from eflow_jax import workdir
  (tmp_path / "store").mkdir()
  if subprocess.run(["chattr", "+i", str(tmp_path / "store")], capture_output=True).returncode:
    pytest.skip("chattr +i is not available here")
  try:
    with pytest.raises(OSError, match=r"^--workdir=.*store is not writable .* Or give --output=<a report file in a "
                                      r"writable folder>\.$"):
      workdir.check_report_folder(str(tmp_path / "store"), None)
    workdir.check_report_folder(str(tmp_path / "store"), str(tmp_path / "r.json"))
  finally:
    subprocess.run(["chattr", "-i", str(tmp_path / "store")], capture_output=True)
