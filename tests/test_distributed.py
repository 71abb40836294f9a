"""Multi-process start-up: where the settings come from, and a real 2-process run on localhost."""
import os
import re
import subprocess
import sys
import textwrap

import pytest

from eflow_jax.distributed import DistributedSettings, settings_from

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCH = os.path.join(ROOT, "launch", "local.py")

SLURM = {"SLURM_JOB_ID": "4242", "SLURM_NTASKS": "8", "SLURM_PROCID": "5", "SLURM_LOCALID": "1",
         "SLURM_NODEID": "2", "SLURM_STEP_NODELIST": "gpu[001-004]", "SLURM_STEP_TASKS_PER_NODE": "2(x4)"}
EFLOW = {"EFLOW_COORDINATOR_ADDRESS": "10.0.0.1:1234", "EFLOW_NUM_PROCESSES": "4", "EFLOW_PROCESS_ID": "3"}


def settings(flags=None, env=None, tpu_vm=False):
  return settings_from(flags or {}, env or {}, tpu_vm=tpu_vm)


def test_nothing_set_is_single_process():
  assert settings() is None
  assert settings(env={"SLURM_JOB_ID": "1", "SLURM_NTASKS": "1"}) is None   # one-task SLURM job
  assert settings(env={"EFLOW_NUM_PROCESSES": "1"}, tpu_vm=True) is None    # explicit single wins


def test_environment():
  assert settings(env=EFLOW) == DistributedSettings("10.0.0.1:1234", 4, 3)
  # JAX's own coordinator variable is accepted below ours.
  env = {"JAX_COORDINATOR_ADDRESS": "h:1", "EFLOW_NUM_PROCESSES": "2", "EFLOW_PROCESS_ID": "0"}
  assert settings(env=env).coordinator_address == "h:1"
  assert settings(env={**env, "EFLOW_COORDINATOR_ADDRESS": "g:2"}).coordinator_address == "g:2"
  env = {**EFLOW, "EFLOW_CPU_DEVICES_PER_PROCESS": "2", "EFLOW_LOCAL_DEVICE_IDS": "0, 2"}
  assert settings(env=env) == DistributedSettings("10.0.0.1:1234", 4, 3, (0, 2), 2)
  assert settings(env={**EFLOW, "JAX_LOCAL_DEVICE_IDS": "all"}).local_device_ids == ()
  assert settings(env={**EFLOW, "EFLOW_COORDINATOR_ADDRESS": "[::1]:99"}).coordinator_address == "[::1]:99"


def test_flags_over_environment():
  flags = {"coordinator_address": "127.0.0.1:5555", "process_id": 1, "num_processes": None,
           "local_device_ids": [1], "cpu_devices_per_process": None}
  assert settings(flags, EFLOW) == DistributedSettings("127.0.0.1:5555", 4, 1, (1,))
  # Flags alone, as absl gives them (strings for the string flags).
  flags = {"coordinator_address": "a:1", "num_processes": 2, "process_id": 0, "local_device_ids": "all"}
  assert settings(flags) == DistributedSettings("a:1", 2, 0, ())


def test_slurm():
  s = settings(env=SLURM)
  assert s == DistributedSettings(None, 8, 5, None, None, cluster="slurm")   # JAX: GPU = SLURM_LOCALID
  one_per_node = {**SLURM, "SLURM_NTASKS": "4", "SLURM_PROCID": "2", "SLURM_STEP_TASKS_PER_NODE": "1(x4)"}
  assert settings(env=one_per_node).local_device_ids == ()                  # every GPU of the node
  bound = {**SLURM, "CUDA_VISIBLE_DEVICES": "1"}
  assert settings(env=bound).local_device_ids == ()                         # Slurm bound one GPU
  mixed = {**SLURM, "SLURM_STEP_TASKS_PER_NODE": "2(x2),1,3", "SLURM_NODEID": "2"}
  assert settings(env=mixed).local_device_ids == ()


def test_environment_and_flags_over_slurm():
  assert settings(env={**SLURM, **EFLOW}) == DistributedSettings("10.0.0.1:1234", 4, 3)   # no cluster
  # Partly given: the rest from SLURM, the coordinator from JAX's SlurmCluster unless given.
  s = settings({"process_id": 0}, {**SLURM, "EFLOW_COORDINATOR_ADDRESS": "gpu001:7000"})
  assert s == DistributedSettings("gpu001:7000", 8, 0, None, None, cluster="slurm")
  assert settings({"num_processes": 1}, SLURM) is None


def test_tpu_pod():
  assert settings(tpu_vm=True) == DistributedSettings(cluster="tpu")              # GCE: JAX asks metadata
  assert settings(env={"TPU_WORKER_HOSTNAMES": "t0,t1"}, tpu_vm=True) == DistributedSettings(cluster="tpu")
  assert settings(env={"TPU_WORKER_HOSTNAMES": "t0"}, tpu_vm=True) is None       # one host
  assert settings(env={"TPU_SKIP_MDS_QUERY": "1"}, tpu_vm=True) is None
  assert settings(env={"TPU_WORKER_HOSTNAMES": "t0,t1"}) is None                 # not a TPU VM


@pytest.mark.parametrize("flags, env, message", [
    ({}, {**EFLOW, "EFLOW_PROCESS_ID": "4"}, r"process_id=4 \(EFLOW_PROCESS_ID\) is outside \[0, 4\)"),
    ({"process_id": 9}, SLURM, r"process_id=9 is outside \[0, 8\) \(SLURM\)"),
    ({}, {"EFLOW_NUM_PROCESSES": "2", "EFLOW_PROCESS_ID": "0"}, r"num_processes .* without a coordinator"),
    ({"num_processes": 2}, {}, r"num_processes \(--num_processes\) given without a coordinator"),
    ({}, {"EFLOW_COORDINATOR_ADDRESS": "h:1"}, r"without num_processes and process_id"),
    ({}, {**EFLOW, "EFLOW_COORDINATOR_ADDRESS": "10.0.0.1"}, r"'10.0.0.1' is not host:port"),
    ({}, {**EFLOW, "EFLOW_COORDINATOR_ADDRESS": "h:70000"}, r"is not host:port"),
    ({"coordinator_address": "h:x"}, EFLOW, r"--coordinator_address='h:x' is not host:port"),
    ({}, {**EFLOW, "EFLOW_NUM_PROCESSES": "two"}, r"EFLOW_NUM_PROCESSES='two' is not an integer"),
    ({}, {**EFLOW, "EFLOW_NUM_PROCESSES": "0"}, r"EFLOW_NUM_PROCESSES=0 must be >= 1"),
    ({}, {**EFLOW, "EFLOW_PROCESS_ID": "-1"}, r"must be >= 0"),
    ({}, {**EFLOW, "EFLOW_CPU_DEVICES_PER_PROCESS": "0"}, r"must be >= 1"),
    ({}, {**EFLOW, "EFLOW_LOCAL_DEVICE_IDS": "0,a"}, r"not 'all' or a comma list"),
    ({}, {**EFLOW, "EFLOW_LOCAL_DEVICE_IDS": "1,1"}, r"repeats a device number"),
    ({}, {"EFLOW_CPU_DEVICES_PER_PROCESS": "2"}, r"cpu_devices_per_process .* needs a multi-process run"),
    ({"num_processes": 1, "process_id": 1}, {}, r"process_id=1 \(--process_id\) is outside \[0, 1\)"),
    ({"num_procs": 2}, {}, r"unknown distributed setting"),
    ({}, {**SLURM, "SLURM_STEP_NODELIST": None}, r"SLURM_STEP_NODELIST unset: start every task with srun"),
    ({}, {**SLURM, "SLURM_NTASKS": "x"}, r"SLURM_NTASKS='x' is not an integer"),
])
def test_validation_errors_are_one_line(flags, env, message):
  env = {k: v for k, v in env.items() if v is not None}
  with pytest.raises(ValueError, match=message) as error:
    settings(flags, env)
  assert "\n" not in str(error.value)


def _launch(num, snippet, *extra, timeout=60):
  env = {k: v for k, v in os.environ.items() if not k.startswith(("EFLOW_", "SLURM_", "JAX_COORDINATOR"))}
  env.update(JAX_PLATFORMS="cpu", PYTHONPATH=ROOT + os.pathsep + env.get("PYTHONPATH", ""))
  env.pop("XLA_FLAGS", None)
  cmd = [sys.executable, LAUNCH, f"--num_processes={num}", *extra, "--",
         sys.executable, "-c", textwrap.dedent(snippet)]
  return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_launcher_stops_the_rest_when_one_fails(tmp_path):
  # Process 1 fails only once every process has started (a marker file each), so that all three
  # hellos are printed however slowly the processes start on a loaded machine.
  snippet = f"""
    import os, sys, time
    i = int(os.environ["EFLOW_PROCESS_ID"])
    print("hello", i, os.environ["EFLOW_NUM_PROCESSES"], os.environ["EFLOW_COORDINATOR_ADDRESS"], flush=True)
    open(os.path.join({str(tmp_path)!r}, f"started_{{i}}"), "w").close()
    if i == 1:
      while len(os.listdir({str(tmp_path)!r})) < 3:
        time.sleep(0.05)
      sys.exit(3)
    time.sleep(60)
  """
  result = _launch(3, snippet, "--port=23456", "--grace_s=2", timeout=30)
  assert result.returncode == 3, result.stdout + result.stderr
  for i in range(3):
    assert f"[p{i}] hello {i} 3 127.0.0.1:23456" in result.stdout
  assert "process 1 exited with 3" in result.stderr


def test_two_processes_on_localhost():
  """launch/local.py -> distributed.initialize -> a gather and a jitted global sum across processes."""
  snippet = """
    import os
    import numpy as np
    from eflow_jax import distributed
    info = distributed.initialize(distributed.settings_from({}, os.environ), initialization_timeout=60)
    assert distributed.initialize(distributed.settings_from({}, os.environ)) == info   # no-op
    import jax, jax.numpy as jnp
    from jax.experimental import multihost_utils
    from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
    pid = jax.process_index()
    gathered = multihost_utils.process_allgather(np.array([pid * 10 + 7]))
    mesh = Mesh(np.array(jax.devices()), ("data",))
    local = np.arange(2, dtype=np.float32) + 100 * pid           # 2 rows per process
    x = jax.make_array_from_process_local_data(NamedSharding(mesh, P("data")), local)
    total = jax.jit(jnp.sum, out_shardings=NamedSharding(mesh, P()))(x)
    total = float(jax.block_until_ready(total).addressable_data(0))
    print("RESULT", info["process_index"], info["process_count"], len(info["local_devices"]),
          info["global_devices"], gathered.ravel().tolist(), total, distributed.is_primary(), flush=True)
  """
  result = _launch(2, snippet, "--cpu_devices_per_process=2")
  assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
  lines = re.findall(r"^\[p(\d)\] RESULT (.*)$", result.stdout, re.M)
  assert sorted(int(p) for p, _ in lines) == [0, 1], result.stdout
  for p, rest in lines:
    # (0 + 1) + (100 + 101) = 202 over the 4 devices of the 2 processes.
    assert rest == f"{p} 2 2 4 [7, 17] 202.0 {p == '0'}", rest
