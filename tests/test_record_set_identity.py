"""A record set is known by its contents (data/fingerprint.py), not its path: one moved or copied
elsewhere resumes and samples as the set it is, and another set under a new path is not taken for
the one a checkpoint trained on (its latent statistics and class names would decode another model).
The end-of-run score names the weights it measured, as eval reports do (weights_digest.py).
"""
import json
import os
import shutil

import jax
import jax.numpy as jnp
import pytest
import test_misuse_round6 as round6
from test_misuse_round6 import tiny
from test_misuse_round7 import record_set, records_run

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax import weights_digest
from eflow_jax.data import fingerprint
from eflow_jax.pipeline import Pipeline
from eflow_jax.tools import model_card as card_lib
from eflow_jax.train import fault_tolerance, loop, run_setup

from conftest import randomize


def test_a_moved_record_set_resumes_as_the_same_data(tmp_path, capsys):
  """A set moved to another path was refused as 'another data order' though every record is the same."""
  config = tiny(source="array_record", path=record_set(tmp_path / "set", n=8))
  saved_config, saved_sets = ckpt_lib.config_json(config), fault_tolerance.record_sets(config)
  shutil.move(tmp_path / "set", tmp_path / "moved")
  config.data.path = str(tmp_path / "moved")
  fault_tolerance.check_resume(saved_config, config, (), saved_sets)
  out = capsys.readouterr()
  assert f"data.path: the record set moved from {tmp_path / 'set'} to {tmp_path / 'moved'}" in out.out
  assert "warning" not in out.err
  record_set(tmp_path / "other", n=8, seed=1)                       # same manifest and sizes, other clips
  config.data.path = str(tmp_path / "other")
  with pytest.raises(ValueError, match=r"resuming with another data order \(data.path: checkpoint"):
    fault_tolerance.check_resume(saved_config, config, (), saved_sets)
  with pytest.raises(ValueError, match="another data order"):        # no fingerprints saved: not assumed
    fault_tolerance.check_resume(saved_config, config, ())


def test_sampling_reads_only_the_set_the_checkpoint_trained_on_or_a_copy(tmp_path):
  """Another set at data.path (same geometry, other latent statistics) was read for decoding without
  a word; the same set copied elsewhere is fine."""
  records_run(str(tmp_path / "run"), record_set(tmp_path / "set", n=8))
  run_config = Pipeline.from_workdir(str(tmp_path / "run")).config
  shutil.copytree(tmp_path / "set", tmp_path / "copy")
  copy = run_config.copy_and_resolve_references()
  copy.data.path = str(tmp_path / "copy")
  assert Pipeline.from_workdir(str(tmp_path / "run"), config=copy).example_shape == (4, 16, 16, 1)
  other = run_config.copy_and_resolve_references()
  other.data.path = round6.record_set(tmp_path / "other", 8, seed=1, shard_size=4, latent_mean=[0.5],
                                      latent_std=[3.0])
  with pytest.raises(ValueError, match=r"data.path=.*other is not the record set checkpoint 4 in .* trained on "
                                       r"\(.*set\).*data.eval_path"):
    Pipeline.from_workdir(str(tmp_path / "run"), config=other)
  meta = {"record_sets": {str(tmp_path / "set"): fingerprint.record_fingerprint(str(tmp_path / "set"))}}
  fingerprint.check_for_inference(meta, copy.data, "checkpoint 4")


def test_the_end_of_run_score_names_the_weights_its_checkpoint_holds(tmp_path, monkeypatch):
  """score_stepN.json carried no weights digest, so the model card showed it for weights trained
  again at that step; its digest must equal the one the checkpoint of the same state carries."""
  config = tiny(steps=4)
  model, _, shape, optimizer, _ = run_setup.build(config)
  state = run_setup.fresh_state(config, model, optimizer, shape)[0]
  state = state.replace(step=jnp.asarray(4, jnp.int32), ema_params=randomize(state.ema_params, 3))
  ckpt = ckpt_lib.Checkpointer(str(tmp_path / "checkpoints"))
  ckpt.save(4, state, data_state={"next_index": 4}, meta={"step": 4})
  ckpt.wait()
  meta = ckpt.restore_ema_params(4)[2]
  ckpt.close()
  monkeypatch.setattr(loop, "sample_metrics", lambda *a, **k: {"class_accuracy": 0.5,
                                                               "class_accuracy_per_class": {}, "num_samples": 1,
                                                               "class_accuracy_real": 1.0})
  mesh = jax.sharding.Mesh(jax.devices()[:1], ("data",))
  loop.score_at_end(config, model, shape, state, mesh, str(tmp_path))
  report = json.load(open(tmp_path / "score_step000004.json"))
  assert report[weights_digest.KEY] == weights_digest.weights_digest(meta) is not None
  other = weights_digest.ema_digest(randomize(state.ema_params, 4))
  assert other != report[weights_digest.KEY]
  assert [n for n, _ in card_lib.scores_of(str(tmp_path), 4, other)] == []


def test_the_model_card_leaves_out_a_report_that_is_not_an_object_with_a_warning(tmp_path, capsys):
  with open(tmp_path / "eval_step000004.json", "w") as f:
    json.dump([{"fvd": 1.0}], f)
  assert card_lib.scores_of(str(tmp_path), 4) == []
  assert "eval_step000004.json is unreadable (ValueError: a JSON list, not a report's object)" in capsys.readouterr().err
