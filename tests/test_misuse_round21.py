"""Cases found by trying the eval, the export and prepare_data as a user would (round 21 of
docs/misuse/): held-out verdicts that ignored part of what the weights trained on, an export's
config.json the user added to, and stage or eval sets embedded by another text encoder."""
import json
import os
import re
import shutil

import ml_collections
import numpy as np
import pytest

from eflow_jax import video_io
from eflow_jax.data import eval_set, records, trained_sets
from test_prepare_data_misuse import make_video, prepare


def _data(train, eval_path=None, hold=0):
  return ml_collections.ConfigDict({"source": "array_record", "path": str(train),
                                    "eval_path": str(eval_path) if eval_path else None, "holdout_examples": hold})


def _history(*sets):
  """{fingerprint: {path, holdout_examples}} written out by hand, as a checkpoint's meta keeps it."""
  from eflow_jax.data import fingerprint
  return {fingerprint.record_fingerprint(str(path)): {"path": str(path), "holdout_examples": hold} for path, hold in sets}


@pytest.fixture()
def sets(tmp_path):
  """A cat/dog training set of a, b, c, d (in that order), a second set of e, f (a stage's, or
  the new data of a fine-tune) and lists of other videos."""
  for i, name in enumerate("abcdefg"):
    make_video(tmp_path / "v" / f"{name}.mp4", i)
  def prepared(name, videos):
    (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps({"video": f"v/{v}.mp4", "label": k % 2}) + "\n"
                                                    for k, v in enumerate(videos)))
    prepare(tmp_path / f"{name}.jsonl", tmp_path / name, num_classes=2, shard_size=3)
    return tmp_path / name
  return {name: prepared(name, videos) for name, videos in
          (("train", "abcd"), ("second", "ef"), ("tail", "cd"), ("head", "ab"), ("apart", "g"))}


def test_an_eval_set_of_any_set_the_weights_trained_on_is_not_held_out(sets, capsys):
  """Round 21 (Q04, Q14, Q21): an eval set that was the run's stage-2 set, the data of its first
  steps before data.path was changed on resume, or an export's training set evaluated beside another
  data.path, was reported held out: only the command line's data.path was compared."""
  history = _history((sets["train"], 0), (sets["second"], 0))
  for eval_name, data_path in (("second", "train"), ("train", "second"), ("train", "apart")):
    described = eval_set.describe(_data(sets[data_path], sets[eval_name]), None, history)
    assert described["held_out"] is False and f"holds the record set {sets[eval_name]} the weights trained" in \
        described["why"]
  described = eval_set.describe(_data(sets["train"], sets["apart"]), None, history)
  assert described["held_out"] is True and "why" not in described
  # The eval of an export: the sets its config.json names, whatever data.path says now.
  assert trained_sets.of_export({trained_sets.KEY: history, "config": {}}) == history
  legacy = trained_sets.of_export({"config": {"data": {"source": "array_record", "path": str(sets["train"]),
                                                       "holdout_examples": 1, "eval_path": None}}})
  assert legacy == _history((sets["train"], 1))
  assert trained_sets.of_export({"config": {"data": {"source": "array_record", "path": "/gone"}}}) == {
      "not found: /gone": {"path": "/gone", "holdout_examples": 0}}


def test_an_eval_judged_against_the_weights_history_gets_no_second_warning(sets, capsys):
  """Round 21 (Q21, re-run): an export evaluated with data.path = data.eval_path = a set it never
  trained on was told 'the eval batch is drawn from the TRAINING records' while its report said the
  training sets could not be compared (held_out null)."""
  data = _data(sets["second"], sets["second"])
  described = eval_set.describe(data, None, {"fp": {"path": str(sets["train"]) + "_moved", "holdout_examples": 0}})
  assert described["held_out"] is None
  eval_set.warn_if_not_held_out(data, described)
  eval_set.warn_if_training_records(data)
  err = capsys.readouterr().err
  assert err.count("\n") == 1 and "cannot be told" in err and "TRAINING records" not in err
  assert "the report says held_out null; give the training set back (at its path or as data.path) to compare" in err
  eval_set.warn_if_training_records(_data(sets["train"], sets["train"]))          # a config alone: as before
  assert "the eval batch is drawn from the TRAINING records" in capsys.readouterr().err


def test_a_holdout_switched_on_later_does_not_hold_out_clips_trained_before(sets, capsys):
  """Round 21 (Q05): 12 steps on all 4 records, then 2 with data.holdout_examples=2: the eval of the
  last 2 records called them held out."""
  earlier = {"record_sets": {str(sets["train"]): "fp"}, "config": {"data": {"holdout_examples": 0, "eval_path": None}}}
  now = trained_sets.from_record_sets({str(sets["train"]): "fp"}, {"holdout_examples": 2, "eval_path": None})
  assert trained_sets.merged(trained_sets.of_meta(earlier), now) == {"fp": {"path": str(sets["train"]),
                                                                          "holdout_examples": 0}}
  assert trained_sets.merged(now, {"fp": {"path": "x", "holdout_examples": 3}})["fp"]["holdout_examples"] == 2
  kept = {trained_sets.KEY: {"fp": {"path": "p", "holdout_examples": 1}}, "record_sets": {"q": "fq"}}
  assert trained_sets.of_meta(kept) == kept[trained_sets.KEY] and trained_sets.of_meta({}) is None
  for trained_hold, held in ((0, False), (1, False), (2, True), (3, True)):
    described = eval_set.describe(_data(sets["train"], hold=2), None, _history((sets["train"], trained_hold)))
    assert described["held_out"] is held
  described = eval_set.describe(_data(sets["train"], hold=2), None, _history((sets["train"], 0)))
  eval_set.warn_if_not_held_out(_data(sets["train"], hold=2), described)
  assert "were not all held out, the weights trained with only 0 held out" in capsys.readouterr().err


def test_the_held_out_tail_of_a_run_is_held_out_in_a_set_of_its_own(sets):
  """Round 21 (Q40): the last 2 records, held out by the run, made into their own eval set were called
  trained on: every video of data.path was counted."""
  for hold, expected in ((2, True), (1, False), (0, False)):
    described = eval_set.describe(_data(sets["train"], sets["tail"]), None, _history((sets["train"], hold)))
    assert described["held_out"] is expected
  described = eval_set.describe(_data(sets["train"], sets["head"]), None, _history((sets["train"], 2)))
  assert described["held_out"] is False and described["clips_also_trained_on"] == "2 of 2"


def test_re_encoded_copies_of_training_clips_are_not_held_out(tmp_path):
  """Round 21 (Q03): the same frames written again at another frame rate (other bytes, the same
  pixels) passed as held out: only the files' sha256 were compared."""
  frames = np.broadcast_to((20 * np.arange(6) + 10).astype(np.uint8)[:, None, None, None], (6, 16, 16, 3))
  make_video(tmp_path / "v" / "a.mp4", 0)
  make_video(tmp_path / "v" / "g.mp4", 6)
  for name, fps in (("grey.mp4", 8), ("grey_again.mp4", 10)):          # flat greys: decoded exactly alike
    video_io.write_mp4(str(tmp_path / name), frames, fps=fps)
  assert (tmp_path / "grey_again.mp4").read_bytes() != (tmp_path / "grey.mp4").read_bytes()
  for name, videos in (("trained", ["grey.mp4", "v/a.mp4"]), ("again", ["grey_again.mp4", "v/g.mp4"])):
    (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps({"video": v, "label": 0}) + "\n" for v in videos))
    prepare(tmp_path / f"{name}.jsonl", tmp_path / name, num_classes=2)
  described = eval_set.describe(_data(tmp_path / "trained", tmp_path / "again"), None,
                                _history((tmp_path / "trained", 0)))
  assert described["held_out"] is False and described["clips_also_trained_on"] == "1 of 2"


def test_a_training_set_without_clip_digests_cannot_certify_an_eval_set(tmp_path, sets, capsys):
  """Round 21 (Q30): a training set prepared before its shards kept digests let an eval set of its
  own clips pass as held out."""
  old = tmp_path / "old_train"
  shutil.copytree(sets["train"], old)
  for name in os.listdir(old):
    if name.startswith("shard-") and name.endswith(".json"):
      info = json.loads((old / name).read_text())
      (old / name).write_text(json.dumps({k: v for k, v in info.items()
                                          if k not in ("inputs", "record_entries", "latents_sha256")}))
  described = eval_set.describe(_data(old, sets["tail"]), None, _history((old, 0)))
  assert described["held_out"] is None and "keep no digests of their clips" in described["why"]
  eval_set.warn_if_not_held_out(_data(old, sets["tail"]), described)
  err = capsys.readouterr().err
  assert "cannot be told" in err and "held_out null; prepare the sets again with this version to compare them" in err
  gone = eval_set.describe(_data(sets["train"], sets["tail"]), None, {"fp": {"path": str(tmp_path / "moved"),
                                                                              "holdout_examples": 0}})
  assert gone["held_out"] is None and re.search(r"moved is not there, nor is it at .*train: its clips cannot be compared",
                                                gone["why"])


def test_a_config_json_the_user_added_to_is_kept_by_a_re_export(tmp_path, capsys):
  """Round 21 (Q07): keys added to an export's config.json (a license, a note) were dropped by the
  re-export without a word, while an edited card was kept."""
  from test_pipeline_misuse import write_run
  from eflow_jax.tools import export as export_tool
  write_run(str(tmp_path / "run"), steps=(2, 4))
  out = tmp_path / "exp"
  def export(step):
    assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={out}", f"--step={step}"]) == 0
    return capsys.readouterr().err
  export(4)
  assert "config" not in export(2)                                  # its own config.json: replaced, no word
  shared = {**json.loads((out / "config.json").read_text()), "license": "cc-by-4.0", "my_note": "see run 17"}
  (out / "config.json").write_text(json.dumps(shared, indent=2))
  err = export(4)
  assert json.loads((out / "config.edited.json").read_text()) == shared and "it adds license, my_note" in err
  assert "license" not in json.loads((out / "config.json").read_text())
  reformatted = json.dumps(json.loads((out / "config.json").read_text()), indent=4)   # the same values
  (out / "config.json").write_text(reformatted)
  assert "kept as" not in export(2) and not (out / "config.edited-2.json").exists()
  edited = json.loads((out / "config.json").read_text())
  edited["config"]["flow"]["inference_steps"] = 3
  (out / "config.json").write_text(json.dumps(edited, indent=4))
  assert "kept as" in export(2) and json.loads((out / "config.edited-2.json").read_text()) == edited


def test_an_export_keeps_the_sets_its_weights_trained_on(tmp_path, monkeypatch):
  """The eval of an export tells held-out clips by the sets its checkpoint's meta names."""
  from test_pipeline_misuse import write_run
  from eflow_jax.tools import export as export_tool
  write_run(str(tmp_path / "run"), steps=(2,))
  history = {"v2:0123": {"path": "/data/train", "holdout_examples": 0}}
  monkeypatch.setattr(export_tool, "checkpoint_meta", lambda workdir, step: {"run_id": "r1", trained_sets.KEY: history})
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0
  assert json.loads((tmp_path / "exp" / "config.json").read_text())[trained_sets.KEY] == history


def test_a_stage_or_eval_set_embedded_by_another_text_encoder_is_refused(tmp_path):
  """Round 21 (Q33, Q34): a caption set embedded by another encoder (another digest in its manifest)
  was trained on as a stage, or scored as the eval set, without a word."""
  from eflow_jax.train import validate
  from tests.tiny_config import get_config
  for folder in ("main", "other", "unknown"):
    for i, name in enumerate(["cat", "dog"]):
      make_video(tmp_path / folder / name / "v.mp4", i)
    prepare(tmp_path / folder, tmp_path / f"set_{folder}")
  for folder, digest in (("main", "feea8c7490f48688"), ("other", "fb61027e614e6d21")):
    manifest = records.read_manifest(str(tmp_path / f"set_{folder}"))
    records.write_manifest(str(tmp_path / f"set_{folder}"), {**manifest, "text_encoder_digest": digest})
  def config(**data):
    c = get_config("steps=5")
    c.data.update(source="array_record", path=str(tmp_path / "set_main"), channels=3, **data)
    c.model.update(latent_channels=3, num_classes=2)
    return c
  validate.check_run_config(config(eval_path=str(tmp_path / "set_unknown")))      # a set from before digests
  with pytest.raises(ValueError, match=r"data\.eval_path=.*set_other' holds captions embedded by another text encoder "
                                       r"\(digest fb61027e614e6d21\) than those of data\.path "
                                       r"\(digest feea8c7490f48688\)"):
    validate.check_run_config(config(eval_path=str(tmp_path / "set_other")))
  c = config()
  c.curriculum.stage2.data_path = str(tmp_path / "set_other")
  with pytest.raises(ValueError, match=r"curriculum\.stage2\.data_path=.*another text encoder"):
    validate.check_run_config(c)


def test_an_export_output_named_like_a_weights_file_is_refused(tmp_path, capsys):
  """Round 21 (Q31): --output=.../model.safetensors made a folder of that name holding the export."""
  from eflow_jax.tools import export as export_tool
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'model.safetensors'}"]) == 2
  assert (f"--output={tmp_path / 'model.safetensors'} names a file, but --output is the export's folder" in
          capsys.readouterr().err) and not (tmp_path / "model.safetensors").exists()


def test_weights_left_as_a_git_lfs_pointer_are_named_so(tmp_path):
  """Round 21 (Q32): an export cloned without Git LFS failed with 'header too large; export the run
  again', which a downloader cannot do."""
  import eflow_jax
  from test_pipeline_misuse import write_run
  from eflow_jax.pipeline import CorruptExportError
  from eflow_jax.tools import export as export_tool
  write_run(str(tmp_path / "run"), steps=(2,))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0
  weights = tmp_path / "exp" / "model.safetensors"
  weights.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 319984\n")
  with pytest.raises(CorruptExportError, match=r"model\.safetensors is a Git LFS pointer \(\d+ bytes\), not the weights: "
                                               r"the repository was cloned without Git LFS; run 'git lfs pull' in"):
    eflow_jax.Pipeline.from_pretrained(str(tmp_path / "exp"))
  weights.write_bytes(b"\x00" * 100)
  with pytest.raises(CorruptExportError, match=r"is unreadable \(.*\); export the run again"):
    eflow_jax.Pipeline.from_pretrained(str(tmp_path / "exp"))


def test_the_objectives_batches_do_not_warn_that_they_repeat_clips(sets, capsys):
  """Round 21 (Q20): the advice 'a smaller eval.num_samples' came from the objective's data.batch_size
  batch, with eval.num_samples already below the held-out count; repeated clips there get other noise."""
  from eflow_jax.data import pipeline
  from tests.tiny_config import get_config
  data = get_config().data
  data.update(source="array_record", path=str(sets["train"]), channels=3, holdout_examples=0, eval_path=str(sets["tail"]))
  capsys.readouterr()
  batch = pipeline.make_eval_batch(data, model_kind="class", seed=0, batch_size=4, batch_setting=None)
  assert batch["x"].shape[0] == 4 and "fewer than the" not in capsys.readouterr().err
  pipeline.make_eval_batch(data, model_kind="class", seed=0, batch_size=4)
  assert "fewer than the 4 clips of an eval batch (eval.num_samples=4)" in capsys.readouterr().err


def test_a_weights_copy_the_encoder_does_not_read_leaves_its_identity(tmp_path):
  """Round 21 (Q08): a pytorch_model.bin beside model.safetensors (a full hub download) was called
  another encoder, though transformers reads the .safetensors file alone."""
  from eflow_jax.text import encoder_identity
  (tmp_path / "config.json").write_text('{"d_model": 32}')
  (tmp_path / "model.safetensors").write_bytes(np.random.default_rng(0).bytes(1 << 16))
  alone = encoder_identity.encoder_digest(str(tmp_path))
  (tmp_path / "pytorch_model.bin").write_bytes(np.random.default_rng(1).bytes(1 << 16))
  assert encoder_identity.encoder_digest(str(tmp_path)) == alone
  with_copy = encoder_identity.encoder_digest(str(tmp_path), with_unread_copies=True)
  assert with_copy != alone
  for saved in (alone, with_copy):                 # a set prepared before .bin copies were left out, too
    encoder_identity.check_same_encoder(str(tmp_path), {encoder_identity.KEY: saved}, "text_encoder.path")
  with pytest.raises(ValueError, match=r"is not the one that embedded the training captions"):
    encoder_identity.check_same_encoder(str(tmp_path), {encoder_identity.KEY: "0123456789abcdef"}, "text_encoder.path")
  (tmp_path / "model.safetensors").unlink()         # without .safetensors the .bin is what loads
  assert encoder_identity.encoder_digest(str(tmp_path)) != alone


def test_an_output_that_prepared_no_clip_takes_the_corrected_options(tmp_path, capsys):
  """Round 21 (Q23): --frames longer than every video prepared nothing, and the corrected rerun was
  refused as 'prepared from other options'."""
  for i, name in enumerate(["cat/a.mp4", "dog/b.mp4"]):
    make_video(tmp_path / "videos" / name, i)
  with pytest.raises(ValueError, match="no video could be prepared"):
    prepare(tmp_path / "videos", tmp_path / "set", frames=10)
  manifest = prepare(tmp_path / "videos", tmp_path / "set")["manifest"]
  assert manifest["num_examples"] == 2 and manifest["frames"] == 4
  assert "the earlier attempt (frames: 10 then, 4 now) prepared no clip" in capsys.readouterr().err
  with pytest.raises(ValueError, match=r"was prepared from other inputs or options \(frames: 4 then, 5 now\)"):
    prepare(tmp_path / "videos", tmp_path / "set", frames=5)       # a set with clips is never started again


def test_an_alternating_list_with_a_holdout_is_not_called_class_ordered(tmp_path, capsys):
  """Round 21 (Q40): cat, dog, cat, dog with holdout_examples=2 was warned to leave 'cat' untrained:
  two training records in ascending order were taken for a list sorted by class."""
  from eflow_jax.data import pipeline
  from tests.tiny_config import get_config
  for i, name in enumerate("abcd"):
    make_video(tmp_path / f"{name}.mp4", i)
  (tmp_path / "l.jsonl").write_text("".join(json.dumps({"video": f"{n}.mp4", "label": ["cat", "dog"][k % 2]}) + "\n"
                                            for k, n in enumerate("abcd")))
  prepare(tmp_path / "l.jsonl", tmp_path / "set")
  capsys.readouterr()
  data = get_config().data
  data.update(source="array_record", path=str(tmp_path / "set"), channels=3, holdout_examples=2, eval_path=None,
              batch_size=1)
  pipeline.make_train_iterator(data, model_kind="class", seed=0)
  assert "left out of training" not in capsys.readouterr().err


def test_an_export_of_a_run_moved_away_says_it_may_be_this_run_moved(tmp_path):
  """Round 21 (Q22): a run moved with mv was refused as 'another run' without a hint."""
  from eflow_jax.tools import export as export_tool
  earlier = {"run_id": "a" * 32, "source_run": str(tmp_path / "gone")}
  with pytest.raises(FileExistsError, match=r"trained in .*gone, which no longer exists: a run moved from there counts "
                                            r"as another run, as a copy of it does; this is run bbbbbbbb"):
    export_tool.check_same_run(str(tmp_path / "exp"), earlier, str(tmp_path / "new"), "b" * 32)
  (tmp_path / "gone").mkdir()
  with pytest.raises(FileExistsError, match=r"trained in .*gone; this is run bbbbbbbb"):
    export_tool.check_same_run(str(tmp_path / "exp"), earlier, str(tmp_path / "new"), "b" * 32)


def test_sampling_more_clips_than_the_device_holds_is_one_line(tmp_path, monkeypatch):
  """Round 21 (Q25): a request below the RAM check's limit ran out of memory in the sampler: a
  12-frame traceback ending in RESOURCE_EXHAUSTED."""
  import jax
  from test_pipeline_misuse import tiny_config, write_run
  from eflow_jax.train import evaluate
  write_run(str(tmp_path / "run"), steps=(2,))
  def out_of_memory(*args, **kwargs):        # the compiled sampler, run: more than the device holds
    raise jax.errors.JaxRuntimeError("RESOURCE_EXHAUSTED: Out of memory allocating 196224010480 bytes.")
  monkeypatch.setattr(evaluate, "run_sampler", out_of_memory)
  with pytest.raises(MemoryError, match=r"^--mode=sample: 3 clips at once do not fit in memory \(JaxRuntimeError: RESOURCE_EXHAUSTED: "
                                        r"Out of memory allocating 196224010480 bytes\.\); ask for fewer clips"):
    evaluate.sample_videos(tiny_config(), str(tmp_path / "run"), num=3)
  monkeypatch.setattr(evaluate, "make_sampler", lambda *a, **k: (_ for _ in ()).throw(
      jax.errors.JaxRuntimeError("INTERNAL: something else")))
  with pytest.raises(jax.errors.JaxRuntimeError, match="INTERNAL"):          # other failures stay as they are
    evaluate.sample_videos(tiny_config(), str(tmp_path / "run"), num=3)


def test_the_model_card_says_what_held_out_was_checked_by():
  """Round 22 (R17): a lossy re-encode of a training clip is not detected; the card says 'held out'
  only as 'no clip identical to a trained one' when the report says what was compared."""
  from eflow_jax.tools import model_card as card_lib
  eval_set_ = {"clips": "data.eval_path", "records": 2, "held_out": True, "compared": "..."}
  protocol = {"sampler": "alg2", "sampler_steps": 4, "guidance": 4.0, "num_samples": 4, "eval_set": eval_set_}
  assert card_lib.sampled_how({"protocol": protocol}).endswith(
      ", against data.eval_path (held out: no clip identical to a trained one, 2 records)")


def test_the_model_card_says_when_it_is_not_known_whether_clips_were_held_out():
  """A report whose eval set could not be compared with the training sets (held_out null) is not
  quoted as held out, nor as certainly not held out."""
  from eflow_jax.tools import model_card as card_lib
  protocol = {"sampler": "alg2", "sampler_steps": 4, "guidance": 4.0, "num_samples": 4,
              "eval_set": {"clips": "data.eval_path", "records": 2, "held_out": None, "why": "..."}}
  assert card_lib.sampled_how({"protocol": protocol}).endswith(
      ", against data.eval_path (not known to be held out, 2 records)")


def test_the_out_of_memory_line_names_a_count_that_would_fit(monkeypatch):
  """Round 21 (Q25, re-run): the 'at most N clips' of the RAM check counts only latents and frames;
  after the sampler ran out, the line named no count. 600000 clips needed a 117734410480-byte buffer:
  with 4x that free, about 3 x 600000 x 0.75 fit."""
  import jax
  from eflow_jax import sample_limits
  if "bytes_limit" in (jax.devices()[0].memory_stats() or {}):
    pytest.skip("a device with its own memory statistics")
  monkeypatch.setattr(sample_limits, "available_memory", lambda: 4 * 117734410480)
  error = "RESOURCE_EXHAUSTED: Out of memory allocating 117734410480 bytes."
  assert sample_limits.clips_that_fit(600000, error) == 1800000
  assert sample_limits.clips_that_fit(600000, "RESOURCE_EXHAUSTED: no size given") is None


def test_a_value_edited_in_an_exports_config_json_in_its_own_layout_is_kept(tmp_path, capsys):
  """Round 22 (R06): inference_steps 4 -> 8 saved with json.dump(indent=1), the export's own layout,
  was reverted by the re-export without a word."""
  from test_pipeline_misuse import write_run
  from eflow_jax.tools import export as export_tool
  write_run(str(tmp_path / "run"), steps=(2,))
  out = tmp_path / "exp"
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={out}"]) == 0
  description = json.loads((out / "config.json").read_text())
  rest = {k: v for k, v in description.items() if k != "written_sha256"}
  import hashlib
  assert description["written_sha256"] == hashlib.sha256(json.dumps(rest, indent=1, sort_keys=True).encode()).hexdigest()
  description["config"]["model"]["hidden"] = description["config"]["model"]["hidden"]    # unchanged: no word
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={out}"]) == 0
  assert "kept as" not in capsys.readouterr().err
  description["config"]["flow"]["inference_steps"] = 8
  edited = json.dumps(description, indent=1)
  (out / "config.json").write_text(edited)
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={out}"]) == 0
  assert "kept as" in capsys.readouterr().err and (out / "config.edited.json").read_text() == edited
