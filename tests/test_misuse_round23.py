"""Cases found by trying exports, prepare_data and the sweep as a user would (round 23 of
docs/misuse/): an export's config.json edited by hand with a setting no code reads or a size that
divides by zero, and a sweep report whose numbers were edited."""
import glob
import json
import os

import pytest

import eflow_jax
from eflow_jax import own_digest
from eflow_jax import pipeline as pipeline_lib
from eflow_jax.schema.known_fields import missing_fields, unknown_fields
from eflow_jax.schema.options import load_config
from test_pipeline_misuse import copy_of, export_dir, run_dir  # pylint: disable=unused-import

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _edited(export_dir, tmp_path, edit):
  """A copy of the export whose config.json was edited by `edit` and saved as a user would
  (json.dump, indent=1: the written_sha256 it held is kept)."""
  copy = copy_of(export_dir, tmp_path)
  path = os.path.join(copy, "config.json")
  description = json.load(open(path))
  edit(description["config"])
  json.dump(description, open(path, "w"), indent=1)
  return copy


def test_an_export_edited_with_a_setting_no_code_reads_is_refused(export_dir, tmp_path):
  """Round 23 (S08): flow.guidance_scale 7.0 (the diffusers name) was ignored, the clips sampled at
  the default guidance, exit 0."""
  copy = _edited(export_dir, tmp_path, lambda c: c["flow"].update(guidance_scale=7.0))
  with pytest.raises(pipeline_lib.CorruptExportError, match=r"config\.json: config\.flow\.guidance_scale was added "
                                                            r"by hand and is not a setting this code reads"):
    eflow_jax.Pipeline.from_pretrained(copy)
  misspelt = _edited(export_dir, tmp_path / "b", lambda c: c["flow"].update(w_infty=2.0))
  with pytest.raises(pipeline_lib.CorruptExportError, match=r"config\.flow\.w_infty .* \(did you mean w_inf\?\)"):
    eflow_jax.Pipeline.from_pretrained(misspelt)
  known = _edited(export_dir, tmp_path / "c", lambda c: c["flow"].update(inference_steps=2))
  assert eflow_jax.Pipeline.from_pretrained(known).config.flow.inference_steps == 2     # a value edited: read
  eflow_jax.Pipeline.from_pretrained(export_dir)
  description = json.load(open(os.path.join(export_dir, "config.json")))
  assert missing_fields(description["config"]) == [] and unknown_fields(description["config"]) == []
  # Round 24 (T01, T02): the digest line removed with the edit; a setting removed by hand.
  undigested = copy_of(export_dir, tmp_path / "d")
  description["config"]["flow"]["guidance_scale"] = 7.0
  json.dump({k: v for k, v in description.items() if k != own_digest.KEY},
            open(os.path.join(undigested, "config.json"), "w"), indent=1)
  with pytest.raises(pipeline_lib.CorruptExportError, match=r"config\.flow\.guidance_scale was added by hand"):
    eflow_jax.Pipeline.from_pretrained(undigested)
  removed = _edited(export_dir, tmp_path / "e", lambda c: c["flow"].pop("inference_steps"))
  with pytest.raises(pipeline_lib.CorruptExportError, match=r"config\.json: config\.flow\.inference_steps was "
                                                            r"removed by hand: the model would miss it"):
    eflow_jax.Pipeline.from_pretrained(removed)


def test_every_recipe_holds_only_settings_the_code_reads():
  """The reference of known fields (schema/run.py) must not refuse a field that a recipe sets."""
  recipes = [p for p in glob.glob(os.path.join(REPO, "configs", "*.py"))]
  recipes += [os.path.join(REPO, "configs", "ablations", f"{t}.py:{r}") for t, r in
              (("table2", "softmax_fm"), ("table3", "linear_only"), ("table4", "sfm_4"))]
  recipes.append(os.path.join(REPO, "tests", "tiny_config.py"))
  for recipe in recipes:
    assert unknown_fields(load_config(recipe).to_dict()) == [], recipe
  assert [name for name, _ in unknown_fields({"flow": {"w_inf": 1.0, "cfg_scale": 2.0}, "curriculum": {
      "stage1": {"ratios": {"fm": 1.0, "dpo": 0.1}}}, "extra": 1})] == [
          "flow.cfg_scale", "curriculum.stage1.ratios.dpo", "extra"]


def test_an_export_edited_to_a_size_that_divides_by_zero_is_one_line(export_dir, tmp_path):
  """Round 23 (S06): model.num_heads 0 ended in a bare ZeroDivisionError naming no file."""
  copy = _edited(export_dir, tmp_path, lambda c: c["model"].update(num_heads=0))
  with pytest.raises(pipeline_lib.CorruptExportError, match=r"config\.json: its model cannot be built "
                                                            r"\(ZeroDivisionError"):
    eflow_jax.Pipeline.from_pretrained(copy)


def test_a_files_own_digest_tells_edited_values_from_a_new_layout():
  text = own_digest.with_own_digest({"b": 1, "a": [1, 2]})
  parsed = json.loads(text)
  assert list(parsed) == ["b", "a", own_digest.KEY] and own_digest.matches(parsed) is True
  assert own_digest.matches(json.loads(json.dumps(parsed, indent=4))) is True
  assert own_digest.matches({**parsed, "a": [1, 3]}) is False and own_digest.matches({"a": 1}) is None
  assert own_digest.matches(json.loads(json.dumps(parsed, sort_keys=True))) is True      # keys sorted by a tool
  import hashlib                                                          # the digest as documented
  assert parsed[own_digest.KEY] == hashlib.sha256(json.dumps({"a": [1, 2], "b": 1}, indent=1).encode()).hexdigest()
  earlier = {"b": 1, "a": [1, 2]}                                         # written before keys were sorted
  earlier[own_digest.KEY] = hashlib.sha256(json.dumps({"b": 1, "a": [1, 2]}, indent=1).encode()).hexdigest()
  assert own_digest.matches(earlier) is True


@pytest.mark.parametrize("labels", [("cat", "cat", "dog", "dog"), (0, 0, 1, 1)])
def test_one_video_listed_under_two_labels_is_said(tmp_path, capsys, labels):
  """Round 23 (S17): v0 listed as 'cat' and again as 'dog' (two lists pasted together) was prepared
  as both classes without a word, as one video in two class folders is not."""
  from eflow_jax.tools import video_inputs
  for name in ("v0", "v1", "v2"):
    (tmp_path / f"{name}.mp4").write_bytes(name.encode() * 100)
  rows = [("v0", labels[0]), ("v1", labels[1]), ("v2", labels[2]), ("v0", labels[3])]
  (tmp_path / "l.jsonl").write_text("".join(json.dumps({"video": f"{v}.mp4", "label": l}) + "\n" for v, l in rows))
  entries, _ = video_inputs.read_entries(str(tmp_path / "l.jsonl"))
  assert len(entries) == 4
  err = capsys.readouterr().err
  assert err.count("\n") == 1 and f"v0.mp4 (class '{labels[0]}') and " in err and \
      err.endswith(f"v0.mp4 (class '{labels[3]}') are the same video: it is prepared under both labels.\n")
  (tmp_path / "same.jsonl").write_text("".join(json.dumps({"video": f"{v}.mp4", "label": labels[0]}) + "\n"
                                               for v in ("v0", "v1", "v2")))
  video_inputs.read_entries(str(tmp_path / "same.jsonl"))
  assert capsys.readouterr().err == ""


def _eval_captions_repeat_in_one_line(caption_set, capsys):
  """Round 23 (S36): the eval of a text model on 2 records said twice that they repeat, once naming
  --num_samples (a flag of --mode=sample), and called them held out after the report said they were not."""
  import types
  from eflow_jax.inference import sample_conditions
  from eflow_jax.data import pipeline
  config = tiny_config_for(caption_set)
  capsys.readouterr()
  sample_conditions(config, types.SimpleNamespace(num_classes=0), 4, batch_setting="eval.num_samples")
  pipeline.make_eval_batch(config.data, model_kind="text", seed=1, batch_size=4)       # the real clips
  err = capsys.readouterr().err
  assert err.count("fewer than") == 1 and "held-out" not in err and (
      f"warning: {caption_set} has 2 record(s), fewer than the 4 clips of an eval batch (eval.num_samples=4): each is "
      f"used about 2.0 times; give more clips or a smaller eval.num_samples.\n") in err


def tiny_config_for(caption_set):
  from tiny_config import get_config
  config = get_config()
  config.data.update(source="array_record", path=str(caption_set), channels=3, text_length=8, holdout_examples=0)
  return config


def test_an_encoder_copy_lacking_a_tokenizer_file_is_named_not_called_another(tmp_path, capsys):
  """Round 23 (S12): the text run's own encoder copied without spiece.model was refused as 'not the
  one that embedded the captions', naming no file."""
  import shutil
  from eflow_jax import text
  from eflow_jax.data import records
  from eflow_jax.text import encoder_identity, tiny
  from test_prepare_data_misuse import make_video, prepare
  tiny.make_tiny_umt5(str(tmp_path / "enc"))
  for i in range(2):
    make_video(tmp_path / "v" / f"{i}.mp4", i)
  (tmp_path / "l.jsonl").write_text("".join(json.dumps({"video": f"v/{i}.mp4", "caption": f"clip {i}"}) + "\n"
                                            for i in range(2)))
  prepare(tmp_path / "l.jsonl", tmp_path / "set", text_encoder=text.build("t5", path=str(tmp_path / "enc"),
                                                                           text_length=8))
  manifest = records.read_manifest(str(tmp_path / "set"))
  _eval_captions_repeat_in_one_line(tmp_path / "set", capsys)
  assert sorted(manifest[encoder_identity.FILES_KEY]) == ["config.json", "model.safetensors", "spiece.model",
                                                          "tokenizer.json", "tokenizer_config.json"]
  shutil.copytree(tmp_path / "enc", tmp_path / "copy")
  encoder_identity.check_same_encoder(str(tmp_path / "copy"), manifest, "text_encoder.path")
  os.remove(tmp_path / "copy" / "spiece.model")
  (tmp_path / "copy" / "added_tokens.json").write_text("{}")
  with pytest.raises(ValueError, match=r"\(digest [0-9a-f]{16}\) \(its folder lacks spiece\.model and adds "
                                       r"added_tokens\.json beside the files of that encoder: a copy cut short\?\): "):
    encoder_identity.check_same_encoder(str(tmp_path / "copy"), manifest, "text_encoder.path")
  # Round 24 (T24, T25): config.json re-saved by an editor is the same encoder; a file added is not
  # 'cut short'; a value changed in config.json is named.
  shutil.rmtree(tmp_path / "copy")
  shutil.copytree(tmp_path / "enc", tmp_path / "copy")
  config_json = tmp_path / "copy" / "config.json"
  config_json.write_text(json.dumps(json.loads(config_json.read_text()), indent=4, sort_keys=True))
  encoder_identity.check_same_encoder(str(tmp_path / "copy"), manifest, "text_encoder.path")
  (tmp_path / "copy" / "special_tokens_map.json").write_text("{}")
  with pytest.raises(ValueError, match=r"\(its folder adds special_tokens_map\.json beside the files of that encoder\): "):
    encoder_identity.check_same_encoder(str(tmp_path / "copy"), manifest, "text_encoder.path")
  os.remove(tmp_path / "copy" / "special_tokens_map.json")
  config_json.write_text(json.dumps({**json.loads(config_json.read_text()), "d_model": 7}))
  with pytest.raises(ValueError, match=r"\(its folder has another config\.json beside the files of that encoder\): "):
    encoder_identity.check_same_encoder(str(tmp_path / "copy"), manifest, "text_encoder.path")


def test_a_config_json_saved_again_by_an_editor_is_not_called_edited(tmp_path, capsys):
  """Round 23 (S51): the final newline an editor adds made a re-export call the description edited
  and keep a config.edited.json identical to it."""
  from test_pipeline_misuse import write_run
  from eflow_jax.tools import export as export_tool
  write_run(str(tmp_path / "run"), steps=(2,))
  argv = [f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]
  assert export_tool.main(argv) == 0
  with open(tmp_path / "exp" / "config.json", "a") as f:
    f.write("\n")
  capsys.readouterr()
  assert export_tool.main(argv) == 0
  assert "edited" not in capsys.readouterr().err and not (tmp_path / "exp" / "config.edited.json").exists()


def test_class_labels_prepared_with_a_text_encoder_are_refused(tmp_path, capsys):
  """Round 23 (S43): class folders with --text_encoder loaded the encoder and then wrote a class set,
  no word that the flag did nothing."""
  from eflow_jax.tools import prepare_data
  from test_prepare_data_misuse import make_video, prepare
  for i, name in enumerate(("cat", "dog")):
    make_video(tmp_path / "in" / name / f"v{i}.mp4", i)
  assert prepare_data.main([f"--input={tmp_path / 'in'}", f"--output={tmp_path / 'set'}", "--frames=4",
                            "--height=16", "--width=16", "--autoencoder=identity", f"--text_encoder={tmp_path}",
                            "--no_progress"]) == 2
  assert capsys.readouterr().err.startswith(f"prepare_data: error: {tmp_path / 'in'} gives class labels, not captions: "
                                            f"--text_encoder would embed nothing")
  (tmp_path / "l.jsonl").write_text("".join(json.dumps({"video": f"in/{n}/v{i}.mp4", "label": n}) + "\n"
                                            for i, n in enumerate(("cat", "dog"))))
  with pytest.raises(ValueError, match=r"l\.jsonl gives class labels, not captions"):
    prepare(tmp_path / "l.jsonl", tmp_path / "set2", text_encoder=object())
  assert not (tmp_path / "set").exists() and not (tmp_path / "set2").exists()


def test_a_resume_onto_a_set_of_other_classes_is_refused_even_when_its_path_may_change(tmp_path):
  """Round 23 (S37): a cat/dog run continued with --allow_resume_change=data.path on a bird/fish set
  trained ids 0/1 as the new classes and its export advertised them as bird/fish, with only a
  data-order warning."""
  from eflow_jax.data import records
  from eflow_jax.train import fault_tolerance
  from test_prepare_data_misuse import make_video, prepare
  from tiny_config import get_config
  def class_set(name, classes):
    for i, label in enumerate(classes):
      make_video(tmp_path / name / label / f"v{i}.mp4", i)
    prepare(tmp_path / name, tmp_path / f"{name}_set")
    return str(tmp_path / f"{name}_set")
  trained = records.read_manifest(class_set("a", ("cat", "dog")))
  config = get_config()
  config.data.update(source="array_record", path=class_set("b", ("bird", "fish")), channels=3)
  with pytest.raises(ValueError, match=r"^data\.path='.*b_set' numbers its classes \['bird', 'fish'\], the set "
                                       r"checkpoint 12 trained on \['cat', 'dog'\]: its clips would condition the "
                                       r"model as other classes"):
    fault_tolerance.check_same_kind_of_set(trained, config, 12)
  config.data.path = class_set("c", ("cat", "dog"))                         # other videos, the same classes
  fault_tolerance.check_same_kind_of_set(trained, config, 12)
  fault_tolerance.check_same_kind_of_set(None, config, 12)                  # a checkpoint from before manifests


def test_a_re_export_sets_aside_only_the_reports_of_the_weights_it_replaces(tmp_path, capsys):
  """Round 23 (S55): a reports folder of the user's linked into the export had its reports of OTHER
  models renamed to .superseded by a re-export, 'scored other weights of step 12'."""
  import shutil
  from test_pipeline_misuse import STEPS, write_run
  from eflow_jax import weights_digest
  from eflow_jax.tools import export as export_tool
  run, exp, last = str(tmp_path / "run"), tmp_path / "exp", STEPS[-1]
  write_run(run)
  assert export_tool.main([f"--workdir={run}", f"--output={exp}"]) == 0
  old = export_tool.checkpoint_weights_digest(run, last)
  assert weights_digest.export_digest(json.loads((exp / "config.json").read_text())) == old
  (tmp_path / "mine").mkdir()
  os.symlink(tmp_path / "mine", exp / "reports")
  report = lambda digest: json.dumps({"step": last, "weights": "ema", weights_digest.KEY: digest})
  (tmp_path / "mine" / "this_export.json").write_text(report(old))
  (tmp_path / "mine" / "another_model.json").write_text(report("c" * 64))
  shutil.rmtree(f"{run}/checkpoints/{last}")                                       # the step trained again
  write_run(run + "_again", steps=(last,), seed=7)
  shutil.copytree(f"{run}_again/checkpoints/{last}", f"{run}/checkpoints/{last}")
  assert export_tool.main([f"--workdir={run}", f"--output={exp}"]) == 0
  assert sorted(os.listdir(tmp_path / "mine")) == ["another_model.json", "this_export.superseded.json"]
  assert "another_model" not in capsys.readouterr().err


def _immutable(folder) -> bool:
  """chattr +i on `folder` (a folder no process can write, root included); False where unsupported."""
  import subprocess
  return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0


def _mutable(folder) -> None:
  import subprocess
  subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


def test_a_checkpoints_folder_that_cannot_be_written_is_refused_before_training(tmp_path):
  """Round 23 (S60): nothing was checked at the start; steps were trained and lost at the first save."""
  from eflow_jax import workdir
  (tmp_path / "checkpoints").mkdir()
  if not _immutable(tmp_path / "checkpoints"):
    pytest.skip("chattr +i is not available here")
  try:
    with pytest.raises(OSError, match=r"^.*checkpoints \(the checkpoints folder of --workdir\) is not writable"):
      workdir.check_run_folders(str(tmp_path))
  finally:
    _mutable(tmp_path / "checkpoints")


@pytest.mark.slow
def test_a_failed_last_save_ends_the_run_at_once_with_the_right_remedy(tmp_path):
  """Round 23 (S60): after 'the checkpoint write of step 14 failed (PermissionError ...) ... Free space',
  the trainer waited at exit on Orbax's threads of the failed save (their 300 s signal timeout)."""
  import subprocess
  import sys
  import time
  (tmp_path / "run" / "checkpoints").mkdir(parents=True)
  if not _immutable(tmp_path / "run" / "checkpoints"):
    pytest.skip("chattr +i is not available here")
  script = ("import sys\nfrom absl import app\nfrom eflow_jax import main, workdir\n"
            "workdir.check_run_folders = lambda w: None   # as if the folder lost its permissions mid-run\n"
            f"sys.argv = ['main', '--config=tests/tiny_config.py:steps=4', '--workdir={tmp_path / 'run'}']\n"
            "app.run(main.main, flags_parser=main.parse_flags)\n")
  try:
    began = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=280)
    took = time.monotonic() - began
  finally:
    _mutable(tmp_path / "run" / "checkpoints")
  assert result.returncode == 4, result.stderr[-2000:]
  assert "failed (PermissionError" in result.stderr and "Make that folder writable and rerun" in result.stderr
  assert took < 150, took                                     # not held by the 300 s timeout


def test_a_file_given_as_the_workdir_to_sample_is_named_so(tmp_path):
  """Round 23 (S61): 'the samples folder of --workdir=<file>/samples is not writable ... fix its
  permissions', for a --workdir that was the user's notes file."""
  import subprocess
  import sys
  (tmp_path / "notes").write_text("notes")
  result = subprocess.run([sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py",
                           f"--workdir={tmp_path / 'notes'}", "--mode=sample", "--num_samples=1"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
  assert result.returncode == 2 and result.stderr == (
      f"error: --workdir={tmp_path / 'notes'} is a file: give a training run's folder (it holds checkpoints/) or an "
      f"export's (model.safetensors and config.json).\n")
  assert (tmp_path / "notes").read_text() == "notes"
