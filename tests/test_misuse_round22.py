"""Cases found by trying the held-out verdicts of evals and exports as a user would (round 22 of
docs/misuse/): trained sets prepared again, moved or given by a relative path, a shard copied
without its sidecar, a holdout of a set the weights never trained on whole, an export from before
the sets were kept."""
import json
import os
import shutil

import pytest

from eflow_jax.data import clip_digests, eval_set, trained_sets
from test_misuse_round21 import _data, _history, sets  # pylint: disable=unused-import
from test_prepare_data_misuse import make_video, prepare


def test_a_training_set_prepared_again_at_its_path_is_not_compared_as_if_trained(tmp_path, sets):
  """Round 22 (R01): the set at the recorded path was a new version; two training clips scored as
  held out, compared with the new set's clips."""
  history = _history((sets["train"], 0))
  shutil.rmtree(sets["train"])
  shutil.copytree(sets["apart"], sets["train"])                  # another set at the training set's path
  described = eval_set.describe(_data(sets["apart"], sets["head"]), None, history)
  assert described["held_out"] is None and "holds other records now (prepared again)" in described["why"]


def test_a_training_set_moved_since_is_found_by_its_fingerprint_at_data_path(tmp_path, sets):
  """Round 22 (R26, R31, R38): a set renamed after training, given as this command's data.path, was
  said to be 'not there'."""
  history = _history((sets["train"], 0))
  moved = tmp_path / "renamed"
  os.rename(sets["train"], moved)
  described = eval_set.describe(_data(moved, sets["head"]), None, history)
  assert described["held_out"] is False and described["clips_also_trained_on"] == "2 of 2"
  described = eval_set.describe(_data(moved, sets["apart"]), None, history)
  assert described["held_out"] is True and described["compared"].startswith("source video files and latents, by sha256 "
                                                                             "(a near-copy")


def test_a_relative_data_path_is_kept_absolute(tmp_path, monkeypatch):
  """Round 22 (R02): 'data/train' kept as typed meant another set from another folder."""
  monkeypatch.chdir(tmp_path)
  assert trained_sets.from_record_sets({"data/train": "fp"}, {}) == {
      "fp": {"path": str(tmp_path / "data" / "train"), "holdout_examples": 0}}


def test_a_shard_copied_without_its_sidecar_leaves_the_verdict_unknown(tmp_path, sets):
  """Round 22 (R27): the shard without its .json was never compared, and the set passed as held out."""
  copy = tmp_path / "copy"
  shutil.copytree(sets["train"], copy)                              # two shards
  assert clip_digests.record_digests(str(copy)) is not None
  for name in ("shard-00000.json", "shard-00001.json"):          # sidecars of before the per-record lists
    info = json.loads((copy / name).read_text())
    old = {k: v for k, v in info.items() if k not in ("record_entries", "latents_sha256")}
    (copy / name).write_text(json.dumps(old))
  assert clip_digests.record_digests(str(copy)) is not None
  os.remove(copy / "shard-00000.json")
  assert clip_digests.record_digests(str(copy)) is None
  described = eval_set.describe(_data(sets["train"], copy), None, _history((sets["apart"], 0)))
  assert described["held_out"] is None and "some sidecar is missing" in described["why"]


def test_a_holdout_of_a_set_never_trained_whole_is_judged_clip_by_clip(tmp_path, sets):
  """Round 22 (R16, R37): the last records of a set the weights never trained on as a whole were
  called held out without a look at their clips (a list grown at its top), and a set never trained
  on was called 'the training records'."""
  history = _history((sets["train"], 0))
  (tmp_path / "grown.jsonl").write_text("".join(json.dumps({"video": f"v/{v}.mp4", "label": k % 2}) + "\n"
                                                for k, v in enumerate("efab")))     # new clips first
  prepare(tmp_path / "grown.jsonl", tmp_path / "grown", num_classes=2)
  described = eval_set.describe(_data(tmp_path / "grown", hold=2), None, history)
  assert described["held_out"] is False and described["clips_also_trained_on"] == "2 of 2"
  described = eval_set.describe(_data(sets["apart"]), None, history)
  assert described["held_out"] is True and described["clips"] == "the records of data.path"


def test_an_export_from_before_the_sets_were_kept_names_its_stage_sets(tmp_path, sets):
  """Round 22 (R13): an old export evaluated on its own curriculum stage-2 set passed as held out."""
  description = {"config": {"data": {"source": "array_record", "path": str(sets["train"]), "holdout_examples": 0},
                            "curriculum": {"stage1": {"data_path": ""}, "stage2": {"data_path": str(sets["second"])},
                                           "stage3": {"data_path": str(tmp_path / "gone")}}}}
  history = trained_sets.of_export(description)
  assert sorted(t["path"] for t in history.values()) == sorted(
      [str(sets["train"]), str(sets["second"]), str(tmp_path / "gone")])
  described = eval_set.describe(_data(sets["train"], sets["second"]), None, history)
  assert described["held_out"] is False
  described = eval_set.describe(_data(sets["train"], sets["apart"]), None, history)
  assert described["held_out"] is None and "gone is not there" in described["why"]


def test_an_eval_set_embedded_by_another_encoder_than_the_models_is_refused():
  """Round 22 (R11): an export evaluated on the user's caption set embedded by another encoder was
  scored without a word (the encoder was checked against data.path's set, not the model's)."""
  from eflow_jax.text import encoder_identity
  model = {encoder_identity.KEY: "f052c758de30a9f2"}
  encoder_identity.check_sets_match_model(model, {"data.path": {encoder_identity.KEY: "f052c758de30a9f2"},
                                                  "data.eval_path": {}})          # a set from before digests
  encoder_identity.check_sets_match_model({}, {"data.path": {encoder_identity.KEY: "81d58c0da5e42f0c"}})
  with pytest.raises(ValueError, match=r"^data\.path: its captions were embedded by another text encoder \(digest "
                                       r"81d58c0da5e42f0c\) than the model's training captions \(digest f052c758de30a9f2\)"):
    encoder_identity.check_sets_match_model(model, {"data.path": {encoder_identity.KEY: "81d58c0da5e42f0c"}})


def test_sampling_an_export_checks_the_encoder_against_the_models_captions(tmp_path):
  """Round 22 (R11): sampling an export took any encoder (the checkpoint's kept manifest was read,
  and an export has none)."""
  from test_pipeline_misuse import write_run
  from eflow_jax.tools import export as export_tool
  from eflow_jax.train import evaluate
  write_run(str(tmp_path / "run"), steps=(2,))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0
  description = json.loads((tmp_path / "exp" / "config.json").read_text())
  description["manifest"] = {"text_encoder_digest": "f052c758de30a9f2"}      # as a text export keeps it
  (tmp_path / "exp" / "config.json").write_text(json.dumps(description, indent=1))
  assert evaluate.weights_manifest(str(tmp_path / "exp"), {}) == {"text_encoder_digest": "f052c758de30a9f2"}
  assert evaluate.weights_manifest(str(tmp_path / "run"), {"data_manifest": {"a": 1}}) == {"a": 1}


@pytest.mark.parametrize("tool", ["export", "prepare_data"])
def test_an_output_path_with_a_trailing_space_is_refused(tmp_path, capsys, tool):
  """Round 22 (R34): --output="runs/x " made a folder 'x ' that the next command could not find."""
  from eflow_jax.tools import export as export_tool
  from eflow_jax.tools import prepare_data
  main = export_tool.main if tool == "export" else prepare_data.main
  extra = [] if tool == "export" else ["--frames=4", "--height=16", "--width=16"]
  with pytest.raises(SystemExit) as stop:
    main([f"--{'workdir' if tool == 'export' else 'input'}={tmp_path}", f"--output={tmp_path / 'x '}", *extra])
  assert stop.value.code == 2 and "the name 'x ' starts or ends with a space" in capsys.readouterr().err
  assert not (tmp_path / "x ").exists()


def test_an_exports_flow_value_of_another_type_is_refused_at_load(tmp_path):
  """Round 22 (R35): inference_steps "8" (a string typed in an editor) loaded, then the call died
  in the sampler with a 25-line TypeError."""
  import eflow_jax
  from test_pipeline_misuse import write_run
  from eflow_jax.pipeline import CorruptExportError
  from eflow_jax.schema.flow import flow_type_problem
  from eflow_jax.tools import export as export_tool
  write_run(str(tmp_path / "run"), steps=(2,))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0
  path = tmp_path / "exp" / "config.json"
  description = json.loads(path.read_text())
  assert flow_type_problem(description) is None
  for key, value, named in (("inference_steps", "8", "'8' is a str; it takes a int"), ("w_inf", None, "None is a "
                            "NoneType; it takes a float"), ("sampler", 2, "2 is a int; it takes a str"),
                            ("inference_steps", True, "True is a bool")):
    edited = {**description, "config": {**description["config"], "flow": {**description["config"]["flow"], key: value}}}
    path.write_text(json.dumps(edited, indent=2))
    with pytest.raises(CorruptExportError, match=rf"config\.json: config\.flow\.{key}={named}"):
      eflow_jax.Pipeline.from_pretrained(str(tmp_path / "exp"))
