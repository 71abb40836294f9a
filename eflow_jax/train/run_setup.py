"""Set-up shared by every mode (train, sample, eval, benchmarks): config -> model, stages, example
shape, optimizer; the mesh, a freshly initialised (sharded) state, and the run's checkpoints."""
import json
import os

import jax
import ml_collections

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax import sharding as sharding_lib
from eflow_jax.data import pipeline
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.train import curriculum, validate
from eflow_jax.train.step import create_train_state, make_optimizer


def model_kind(config) -> str:
  return "class" if config.model.num_classes else "text"


def build(config, *, read_data: bool = True):
  """Everything derived from the config, validated before anything compiles.

  read_data=False: the data is not read, the example shape is data.latent_shape or else
  video.latent_shape (benchmarks, which time the step on random batches of that geometry).
  """
  validate.check_run_config(config, read_data=read_data)   # every one-line config / data error
  stages = curriculum.build_stages(config.curriculum, config.total_steps)
  model = VideoDiT.from_config(config.model)
  if read_data or config.data.source != "array_record":      # Moving MNIST reads no files here
    example_shape = tuple(pipeline.example_shape(config.data))
  else:
    example_shape = tuple(config.data.latent_shape or config.get("video", {}).get("latent_shape", ()))
    if len(example_shape) != 4:
      raise ValueError("read_data=False needs data.latent_shape or video.latent_shape (T, H, W, C).")
  lr_schedule = curriculum.learning_rate_schedule(stages, **config.lr_schedule)
  optimizer = make_optimizer(config.optimizer, lr_schedule)
  return model, stages, example_shape, optimizer, lr_schedule


def fresh_state(config, model, optimizer, example_shape, mesh=None):
  """(state, state_shardings): initialised directly in its sharded layout on `mesh`.

  jit with out_shardings makes every device compute only its own shards, so a model larger than
  one device's memory never exists unsharded. Without a mesh: default placement, shardings None.
  """
  init = lambda rng: create_train_state(model, optimizer, rng, example_shape, config.data.text_length)
  rng = jax.random.PRNGKey(config.seed)
  if mesh is None:
    return jax.jit(init)(rng), None
  shardings = sharding_lib.tree_shardings(jax.eval_shape(init, rng), config.sharding, mesh)
  return jax.jit(init, out_shardings=shardings)(rng), shardings


def make_run_mesh(config, stages=()):
  """The run's mesh, checked against every batch size the run will use."""
  mesh = sharding_lib.make_mesh(config.mesh)
  sharding_lib.check_batch(config.data.batch_size, mesh)
  for stage in stages:
    if stage.batch_size:
      sharding_lib.check_batch(stage.batch_size, mesh, f"curriculum {stage.name} batch_size")
  accum = config.get("grad_accum_steps", 1)
  if accum > 1:                   # every micro-batch is spread over the same devices as the batch
    for batch in {config.data.batch_size, *(st.batch_size for st in stages if st.batch_size)}:
      sharding_lib.check_batch(batch // accum, mesh, f"a micro-batch ({batch} / grad_accum_steps {accum})")
  return mesh


def checkpointer(config, workdir, stages, mesh, *, read_only: bool = False):
  """The run's checkpoints; read_only for sample / eval, which never create, clean or rename. Kept
  for ever: the stage boundaries of this plan and of the plans earlier checkpoints were saved under."""
  directory = os.path.join(workdir, "checkpoints")
  keep = set(curriculum.boundaries(stages)) | (set() if read_only else earlier_stage_ends(directory))
  return ckpt_lib.Checkpointer(directory, max_to_keep=config.checkpoint.max_to_keep, keep_steps=sorted(keep),
                               read_only=read_only, replicated_sharding=sharding_lib.replicated(mesh))


def earlier_stage_ends(directory: str) -> set[int]:
  """The checkpoints that ended a stage of the plan they were saved under (their meta's config): a
  run continued with a larger total_steps has other boundaries, and its own first stage's end was
  pruned as an ordinary step. The meta files are read as files (Orbax's JSON item `<step>/meta/
  metadata`): a second Orbax manager would take part in its multi-process barriers."""
  ends = set()
  for name in os.listdir(directory) if os.path.isdir(directory) else []:
    try:
      with open(os.path.join(directory, name, "meta", "metadata")) as f:
        saved = ml_collections.ConfigDict(json.load(f)["config"])
      if name.isdigit() and int(name) in curriculum.boundaries(curriculum.build_stages(saved.curriculum,
                                                                                        saved.total_steps)):
        ends.add(int(name))
    except Exception:  # pylint: disable=broad-except   (not a step, an unreadable or older meta: nothing to keep)
      continue
  return ends
