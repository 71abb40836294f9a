"""Worker for tests/test_sharded_training.py: a tiny training run on whatever mesh it is given.

    python tests/sharded_run.py --workdir=W --out=P.npz [--data=D --fsdp=F --dcn_data=...]

Joins the other processes when EFLOW_* variables are set (launch/local.py sets them), trains the
tiny config, and writes the parameters this process holds, reassembled from its own device
shards only (no cross-process gather), to `--out` with the process index in the name. It fails
if this process's shards do not cover a parameter, so "every process has the same parameters"
is a statement about what each process really holds.
"""
import os
import sys

from absl import app, flags

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from eflow_jax import distributed  # pylint: disable=g-import-not-at-top

flags.DEFINE_string("workdir", None, "run directory")
flags.DEFINE_string("out", None, "output .npz stem; '_p<index>.npz' is appended")
flags.DEFINE_integer("data", -1, "mesh data (ICI)")
flags.DEFINE_integer("fsdp", 1, "mesh fsdp (ICI)")
flags.DEFINE_integer("dcn_data", -1, "mesh data across processes")
flags.DEFINE_integer("steps", 3, "training steps")
flags.DEFINE_enum("objective", "eflow", ["eflow", "fm"], "which train step (see tiny_config)")
FLAGS = flags.FLAGS


def tiny_config(total_steps: int = 3, objective: str = "eflow"):
  """4 x 16 x 16 Moving MNIST, a 3-block 32-wide model (scanned), one stage, global batch 8.

  objective 'eflow': stage 1 of the recipe (token drop, FM + SCM with PDG); 'fm': plain FM, dense,
  no guidance, a program that compiles in a fraction of the time, for tests whose subject is the
  mesh rather than the objective.
  """
  from eflow_jax import config_lib
  config = config_lib.load_config(os.path.join(REPO, "configs/kinetics.py:variant=B,runlocal"))
  config.model.update(hidden=32, mlp_hidden=64, num_heads=2, encoder_blocks=1, middle_blocks=1,
                      decoder_blocks=1, softmax_every=3, window_frames=1, patch=(1, 4, 4))
  config.data.update(batch_size=8, frames=4, size=16, digit_size=8, max_speed=2, num_threads=0,
                     prefetch=0)
  config.total_steps = total_steps
  config.log_every = 1
  config.sample_every = 0
  config.checkpoint.every_steps = 1000
  # One stage (sparse: token drop, FM + SCM with PDG) so each run compiles one step program; the
  # stage switch itself is tested in tests/test_train.py.
  del config.curriculum["stage2"]
  config.curriculum.stage1.fraction = 1.0
  if objective == "fm":
    config.curriculum.stage1.drop_ratio = 0.0
    config.curriculum.stage1.ratios.update(fm=1.0, scm=0.0)
    config.flow.update(objective="fm", guidance_target="none")
  return config


def local_copy(array):
  """The full value of a global array from this process's addressable shards alone."""
  import numpy as np
  full = np.full(array.shape, np.nan, np.float64)
  for shard in array.addressable_shards:
    full[shard.index] = np.asarray(shard.data, np.float64)
  if np.isnan(full).any():
    raise AssertionError("this process's shards do not cover the parameter")
  return full.astype(array.dtype)


def main(argv):
  del argv
  info = distributed.initialize(distributed.settings_from({}, os.environ))
  import jax
  import numpy as np
  from eflow_jax.sharding import path_string
  from eflow_jax.train import evaluate, loop

  config = tiny_config(FLAGS.steps, FLAGS.objective)
  config.mesh.update(data=FLAGS.data, fsdp=FLAGS.fsdp, dcn_data=FLAGS.dcn_data)
  loop.train(config, FLAGS.workdir)
  _, _, state, _, mesh = evaluate.restore_for_inference(config, FLAGS.workdir)
  flat = jax.tree_util.tree_flatten_with_path(state.params)[0]
  arrays = {path_string(p): local_copy(x) for p, x in flat}
  sharded = sum(not x.sharding.is_fully_replicated for _, x in flat)
  np.savez(f"{FLAGS.out}_p{info['process_index']}.npz", __sharded_leaves__=sharded,
           __mesh__=np.array([mesh.shape["data"], mesh.shape["fsdp"]]), **arrays)
  print(f"process {info['process_index']}/{info['process_count']}: mesh {dict(mesh.shape)}, "
        f"{sharded}/{len(flat)} param leaves sharded", flush=True)


if __name__ == "__main__":
  flags.mark_flags_as_required(["workdir", "out"])
  app.run(main)
