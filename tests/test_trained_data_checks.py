"""Sampling or scoring a trained model (a run or an export) checks the data config it is given
against what the model kept of its training set, before anything builds (trained_data_checks.py), and
record-set paths typed relative to one folder are kept absolute (user_paths.py)."""
import json
import os
import subprocess
import sys

import pytest

from eflow_jax import trained_data_checks, user_paths
from eflow_jax.text import encoder_identity
from eflow_jax.train import evaluate
from test_pipeline_misuse import export_dir, run_dir  # pylint: disable=unused-import
from test_prepare_data_misuse import make_video, prepare
from tiny_config import get_config as tiny_config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_DIGEST, OTHER_DIGEST = "f052c758de30a9f2", "81d58c0da5e42f0c"


def _set(tmp_path, name, labels, digest=None):
  """A prepared two-video record set; `digest`: its manifest names that text encoder's digest."""
  for i in range(2):
    make_video(tmp_path / "v" / f"{i}.mp4", i)
  (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps({"video": f"v/{i}.mp4", "label": label}) + "\n"
                                                  for i, label in enumerate(labels)))
  prepare(tmp_path / f"{name}.jsonl", tmp_path / name, num_classes=2)
  if digest:
    manifest = json.loads((tmp_path / name / "manifest.json").read_text())
    (tmp_path / name / "manifest.json").write_text(json.dumps({**manifest, encoder_identity.KEY: digest}))
  return tmp_path / name


def _export_trained_on(export_dir, tmp_path, trained_path, digest=MODEL_DIGEST):
  """A copy of `export_dir` whose config.json says it trained on `trained_path` with captions that
  the encoder of `digest` embedded."""
  copy = tmp_path / "exp"
  os.makedirs(copy)
  for name in os.listdir(export_dir):
    (copy / name).write_bytes(open(os.path.join(export_dir, name), "rb").read())
  description = json.loads((copy / "config.json").read_text())
  description["config"]["data"].update(source="array_record", path=str(trained_path))
  description["manifest"] = {**(description.get("manifest") or {}), encoder_identity.KEY: digest}
  (copy / "config.json").write_text(json.dumps(description, indent=1))
  return str(copy)


def _config(data_path):
  config = tiny_config()
  config.data.source, config.data.path = "array_record", str(data_path) if data_path else ""
  return config


def test_an_empty_data_path_names_the_set_the_export_trained_on(export_dir, tmp_path):
  """Before: 'data.path is empty; set it to a directory of ArrayRecord shards', though the export
  names its training set (not on this machine)."""
  exp = _export_trained_on(export_dir, tmp_path, "/nowhere/train")
  with pytest.raises(ValueError, match=rf"^data\.path is empty; the export {exp} trained on the record set "
                                       r"/nowhere/train, which is not on this machine: pass "
                                       r"--config\.data\.path=<your copy of that set>\.$"):
    evaluate.evaluate(_config(""), exp)
  here = _set(tmp_path, "train", ["cat", "dog"])
  exp = _export_trained_on(export_dir, tmp_path / "b", here)
  with pytest.raises(ValueError, match=rf"trained on the record set {here}: pass --config\.data\.path={here}\.$"):
    trained_data_checks.check_data_for_model(_config(""), exp, trained_data_checks.saved_description(exp))


def test_sampling_with_an_empty_data_path_reads_the_set_the_model_trained_on(export_dir, tmp_path, capsys):
  """Round 23 (S47): sampling an export asked for a record set it reads only the manifest of (the
  export keeps a copy); an empty data.path failed as "record directory '' does not exist"."""
  exp = _export_trained_on(export_dir, tmp_path, "/nowhere/train")
  config = _config("")
  trained_data_checks.check_data_for_model(config, exp, trained_data_checks.saved_description(exp), reads_records=False)
  assert config.data.path == "/nowhere/train" and capsys.readouterr().err == (
      "note: data.path is empty: the clip shape, latent statistics and class names are those of the set the model "
      "trained on, /nowhere/train.\n")


def test_a_set_of_another_encoder_is_refused_as_the_sets_mismatch_before_the_encoder(export_dir, tmp_path):
  """Before: given the model's own text encoder and a set another encoder embedded, the refusal
  blamed text_encoder.path and advised data.path's encoder (the wrong one)."""
  users_set = _set(tmp_path, "mine", ["cat", "dog"], digest=OTHER_DIGEST)
  exp = _export_trained_on(export_dir, tmp_path, "/nowhere/train")
  for call in (lambda: evaluate.sample_videos(_config(users_set), exp, num=1),
               lambda: evaluate.evaluate(_config(users_set), exp)):
    with pytest.raises(ValueError, match=rf"^data\.path: its captions were embedded by another text encoder \(digest "
                                         rf"{OTHER_DIGEST}\) than the model's training captions \(digest "
                                         rf"{MODEL_DIGEST}\)"):
      call()
  same = _set(tmp_path / "b", "same", ["cat", "dog"], digest=MODEL_DIGEST)
  trained_data_checks.check_data_for_model(_config(same), exp, trained_data_checks.saved_description(exp))
  assert trained_data_checks.saved_description(str(tmp_path / "nothing")) is None


def test_record_paths_are_made_absolute_from_the_current_folder(tmp_path, monkeypatch):
  monkeypatch.chdir(tmp_path)
  config = tiny_config()
  config.data.path, config.data.eval_path = "data/train", ""
  config.curriculum.stage1.data_path = "../other"
  user_paths.absolute_record_paths(config)
  assert (config.data.path, config.data.eval_path) == (os.path.join(str(tmp_path), "data", "train"), "")
  assert config.curriculum.stage1.data_path == os.path.join(os.path.dirname(str(tmp_path)), "other")


def test_the_command_line_reads_relative_record_paths_from_the_current_folder(tmp_path):
  """Before: a checkpoint kept 'data/train' as typed, which named another set (or none) when the
  run was exported or scored from another folder."""
  _set(tmp_path, "train", ["cat", "dog"])
  _set(tmp_path, "other", ["bird", "cat"])
  result = subprocess.run([sys.executable, "-m", "eflow_jax.main", f"--config={REPO}/tests/tiny_config.py",
                           f"--workdir={tmp_path / 'run'}", "--config.data.source=array_record",
                           "--config.data.path=train", "--config.data.eval_path=other", "--config.data.channels=3",
                           "--config.model.latent_channels=3", "--config.model.num_classes=2"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**os.environ, "PYTHONPATH": REPO})
  assert result.returncode == 2 and result.stderr.startswith(f"error: data.eval_path='{tmp_path / 'other'}' numbers "
                                                             f"its classes"), result.stderr


def test_an_eval_set_of_another_clip_shape_is_refused_before_sampling(export_dir, tmp_path):
  """Round 23 (S53): a 6x32x32 eval set beside a 4x16x16 data.path failed only after the samples were
  drawn, in a line about 'samples' and 'real_videos' that named no setting."""
  small = _set(tmp_path, "small", ["cat", "dog"])
  (tmp_path / "big.jsonl").write_text((tmp_path / "small.jsonl").read_text())
  prepare(tmp_path / "big.jsonl", tmp_path / "big", num_classes=2, frames=6, height=32, width=32)
  exp = _export_trained_on(export_dir, tmp_path, small)
  config = _config(small)
  config.data.eval_path = str(tmp_path / "big")
  with pytest.raises(ValueError, match=r"^data\.eval_path: its clips are \(6, 32, 32, 3\) \(latent T, H, W, C\), "
                                       r"data\.path's \(4, 16, 16, 3\), the shape the model samples"):
    evaluate.evaluate(config, exp)
