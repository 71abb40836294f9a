"""Cases found by trying round 23's fixes at their edges (round 24 of docs/misuse/): a relative record
path through a link and '..', a config file whose get_config returns a plain dict."""
import json
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


def test_a_read_only_model_folders_metric_caches_go_to_the_folder_named_by_metrics_dir(tmp_path):
  """Round 24 (T31, after the fix above): following '--output' still failed, as the classifier and the
  frame judge are built into <model>/metrics, and the frame judge had no setting for another place."""
  import pytest
  from eflow_jax import workdir
  store = tmp_path / "store"
  store.mkdir()
  config = get_config()
  config.eval.classifier_steps = config.eval.frame_judge_steps = 7     # nothing shipped: both would be built
  if subprocess.run(["chattr", "+i", str(store)], capture_output=True).returncode:
    pytest.skip("chattr +i is not available here")
  try:
    assert workdir.builds_caches_in(config, str(store), str(store), use_i3d=False)
    with pytest.raises(OSError, match=r"^--workdir=.*store is not writable .* Or give --output=<a report file in a "
                                      r"writable folder> and --config\.eval\.metrics_dir=<a writable folder> for the "
                                      r"metric caches it builds\.$"):
      workdir.check_report_folder(str(store), None, True)
    with pytest.raises(OSError, match=r"^.*store/metrics \(the folder of classifier_steps7_seed0\.npz\) is not writable "
                                      r".* Or give --config\.eval\.metrics_dir=<a writable folder> to build the clip "
                                      r"classifier there\.$"):
      workdir.check_metric_caches(config, str(store), use_i3d=False)
    config.eval.metrics_dir = str(tmp_path / "caches")
    workdir.check_metric_caches(config, str(store), use_i3d=False)
    assert [os.path.dirname(path) for path, *_ in workdir.metric_caches(config, str(store), use_i3d=True)] == [
        str(tmp_path / "caches")] * 3                  # the classifier, the frame judge, the I3D reference
    assert not workdir.builds_caches_in(config, str(store), str(store), use_i3d=True)
  finally:
    subprocess.run(["chattr", "-i", str(store)], capture_output=True)


def test_a_resume_onto_another_encoders_captions_blames_the_set_not_the_runs_encoder(tmp_path, monkeypatch):
  """Round 24 (T32): continuing a text run on captions another encoder embedded was refused first as
  the run's own text_encoder.path's fault, advising to point it at the new set's encoder."""
  import shutil
  import ml_collections
  import pytest
  pytest.importorskip("transformers")
  pytest.importorskip("sentencepiece")
  from eflow_jax import text
  from eflow_jax.data import records
  from eflow_jax.text import tiny
  from eflow_jax.train import loop
  from test_prepare_data_misuse import make_video, prepare
  (tmp_path / "l.jsonl").write_text("".join(json.dumps({"video": f"v/v{i}.mp4", "caption": f"clip {i} moving"}) + "\n"
                                            for i in range(2)))
  for i in range(2):
    make_video(tmp_path / "v" / f"v{i}.mp4", i)
  for name, seed in (("a", 0), ("b", 7)):
    tiny.make_tiny_umt5(str(tmp_path / f"umt5_{name}"), seed=seed)
    prepare(tmp_path / "l.jsonl", tmp_path / f"set_{name}", text_encoder=text.build(
        "t5", path=str(tmp_path / f"umt5_{name}"), text_length=8))
  trained = records.read_manifest(str(tmp_path / "set_a"))
  run = tmp_path / "run"
  (run / "checkpoints").mkdir(parents=True)
  monkeypatch.setattr(loop, "saved_description", lambda workdir, step: {"step": 6, "data_manifest": trained})
  config = get_config()
  config.data.update(source="array_record", path=str(tmp_path / "set_b"), channels=3, text_dim=32, text_length=8)
  config.model.update(latent_channels=3, num_classes=0, text_dim=32)
  config.text_encoder = ml_collections.ConfigDict({"kind": "t5", "path": str(tmp_path / "umt5_a")})
  with pytest.raises(ValueError, match=r"^data\.path='.*set_b' holds captions embedded by another text encoder "
                                       r"\(digest [0-9a-f]{16}\) than those of the set checkpoint 6 trained on "
                                       r"\(digest [0-9a-f]{16}\): .*; prepare it with the text encoder of the set "
                                       r"checkpoint 6 trained on\.$"):
    loop.train(config, str(run), allow_resume_changes=("data.path",))
  shutil.rmtree(run / "checkpoints")             # a new run on set_b: its own encoder is the one compared
  with pytest.raises(ValueError, match=r"^text_encoder\.path: the text encoder at .*umt5_a .* is not the one"):
    loop.train(config, str(run))


@__import__("pytest").mark.slow
def test_a_read_only_export_is_evaluated_with_its_report_and_caches_elsewhere(tmp_path):
  """Round 24 (T31), end to end: an export nobody may write (a shared model store) is scored, the
  report at --output and the metric classifiers it trains under config.eval.metrics_dir."""
  import pytest
  from eflow_jax.tools import export as export_tool
  from test_pipeline_misuse import write_run
  write_run(str(tmp_path / "run"))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'ex'}"]) == 0
  if subprocess.run(["chattr", "+i", str(tmp_path / "ex")], capture_output=True).returncode:
    pytest.skip("chattr +i is not available here")
  try:
    done = subprocess.run(
        [sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py", "--mode=eval",
         f"--workdir={tmp_path / 'ex'}", f"--output={tmp_path / 'r.json'}", "--config.eval.num_samples=2",
         "--config.eval.classifier_steps=7", "--config.eval.frame_judge_steps=7",
         f"--config.eval.metrics_dir={tmp_path / 'caches'}"], cwd=REPO, capture_output=True, text=True, timeout=600)
  finally:
    subprocess.run(["chattr", "-i", str(tmp_path / "ex")], capture_output=True)
  assert done.returncode == 0, done.stderr[-3000:]
  assert sorted(os.listdir(tmp_path / "caches")) == ["classifier_steps7_seed0.npz", "frame_judge_steps7_seed0.npz"]
  assert "classifier" in json.load(open(tmp_path / "r.json")) and "metrics" not in os.listdir(tmp_path / "ex")
