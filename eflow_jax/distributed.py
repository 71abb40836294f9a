"""Multi-process (multi-host) start-up on JAX's own runtime: `jax.distributed.initialize`.

Usage, first thing in a program, before any other JAX call (even `jax.devices()`):

    settings = distributed.settings_from(flag_values, os.environ)   # None: one process
    info = distributed.initialize(settings)                         # {process_index, ...}
    if distributed.is_primary(): ...                                 # only process 0 logs/samples

Where the settings come from, first match wins per field:
  1. explicit flags: coordinator_address, num_processes, process_id, local_device_ids,
     cpu_devices_per_process (pass `{name: value}`; None values count as absent);
  2. environment: EFLOW_COORDINATOR_ADDRESS, EFLOW_NUM_PROCESSES, EFLOW_PROCESS_ID,
     EFLOW_LOCAL_DEVICE_IDS, EFLOW_CPU_DEVICES_PER_PROCESS (`launch/local.py` sets these). Of JAX's
     own variables, jax 0.10.2 reads JAX_COORDINATOR_ADDRESS and JAX_LOCAL_DEVICE_IDS (and
     JAX_COORDINATOR_PORT / JAX_COORDINATOR_BIND_ADDRESS, which it applies itself); the first two
     are accepted here below their EFLOW_ forms. There is no JAX_NUM_PROCESSES / JAX_PROCESS_ID.
  3. SLURM: a job step with SLURM_JOB_ID and SLURM_NTASKS > 1 (i.e. tasks started by `srun`).
     JAX's own SlurmCluster then finds the coordinator (first host of SLURM_STEP_NODELIST, port
     derived from the job id, or JAX_COORDINATOR_PORT); SLURM_NTASKS and SLURM_PROCID give the
     process count and id. Devices: with one task on the node, or a task Slurm bound to a single
     GPU, the process uses every GPU it can see; otherwise JAX's default of one GPU per task, GPU
     number SLURM_LOCALID.
  4. Cloud TPU VM: JAX's TPU detection (`jax.distributed.initialize()` with no arguments), which
     reads the worker list from the TPU metadata. Skipped when TPU_WORKER_HOSTNAMES /
     TPU_PROCESS_ADDRESSES name one host; on a single-host GCE TPU VM it yields one process.
  5. otherwise None: a single process, nothing to initialise.
An explicit `num_processes=1` with no coordinator also means "single process" (and turns the
SLURM/TPU detection off).

local_device_ids: a comma list of device numbers this process uses ("0,1,2,3"), or "all" (every
device it can see; also stops JAX's SLURM default of one GPU per task). It restricts GPUs only.

CPU runs (JAX_PLATFORMS=cpu, used by tests and `launch/local.py`) use gloo for cross-process
collectives; `cpu_devices_per_process` sets each process's number of CPU devices.
  Deadlock note: with more than one local CPU device per process, gloo collectives of several
  queued (asynchronously dispatched) steps can deadlock. Block on each step's output
  (`jax.block_until_ready`) every step, or run one CPU device per process. GPU (NCCL) and TPU are
  not affected.

Only process 0 should write logs and samples (`is_primary()`); every process writes its own
shards of a checkpoint.
"""
from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

# Flag names `settings_from` understands (main.py defines absl flags with these names).
FLAG_NAMES = ("coordinator_address", "num_processes", "process_id", "local_device_ids",
              "cpu_devices_per_process")

# field -> environment variables, highest precedence first.
ENV_VARS = {
    "coordinator_address": ("EFLOW_COORDINATOR_ADDRESS", "JAX_COORDINATOR_ADDRESS"),
    "num_processes": ("EFLOW_NUM_PROCESSES",),
    "process_id": ("EFLOW_PROCESS_ID",),
    "local_device_ids": ("EFLOW_LOCAL_DEVICE_IDS", "JAX_LOCAL_DEVICE_IDS"),
    "cpu_devices_per_process": ("EFLOW_CPU_DEVICES_PER_PROCESS",),
}

# Variables JAX's SlurmCluster needs (jax/_src/clusters/slurm_cluster.py, jax 0.10.2).
_SLURM_VARS = ("SLURM_JOB_ID", "SLURM_STEP_NODELIST", "SLURM_NTASKS", "SLURM_PROCID", "SLURM_LOCALID")


@dataclasses.dataclass(frozen=True)
class DistributedSettings:
  """How this process joins the run. Fields left None are filled in by JAX's cluster detection.

  local_device_ids: None = JAX's default; () = every device the process sees; else those numbers.
  cluster: None (everything given explicitly), "slurm" or "tpu" (JAX's auto-detection fills in
  the fields left None).
  """
  coordinator_address: str | None = None
  num_processes: int | None = None
  process_id: int | None = None
  local_device_ids: tuple[int, ...] | None = None
  cpu_devices_per_process: int | None = None
  cluster: str | None = None


# ----------------------------------------------------------------------------------------- parsing


def _int(value: Any, source: str, minimum: int) -> int:
  if isinstance(value, bool):
    raise ValueError(f"{source}={value!r} is not an integer")
  if isinstance(value, str):
    if not re.fullmatch(r"\s*[+-]?\d+\s*", value):
      raise ValueError(f"{source}={value!r} is not an integer")
    value = int(value)
  if not isinstance(value, int):
    raise ValueError(f"{source}={value!r} is not an integer")
  if value < minimum:
    raise ValueError(f"{source}={value} must be >= {minimum}")
  return value


def _address(value: Any, source: str) -> str:
  """'host:port' (IPv6 as '[::1]:port')."""
  text = str(value).strip()
  match = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d+)", text)
  if not match or not 1 <= int(match.group(2)) <= 65535:
    raise ValueError(f"{source}={text!r} is not host:port (e.g. 10.0.0.1:1234, port 1-65535)")
  return text


def _device_ids(value: Any, source: str) -> tuple[int, ...]:
  if isinstance(value, str):
    text = value.strip()
    if text.lower() == "all":
      return ()
    parts = [p.strip() for p in text.split(",")]
    if not text or not all(re.fullmatch(r"\d+", p) for p in parts):
      raise ValueError(f"{source}={value!r} is not 'all' or a comma list of device numbers like 0,1,2")
    ids = tuple(int(p) for p in parts)
  elif isinstance(value, int) and not isinstance(value, bool):
    ids = (value,)
  elif isinstance(value, Sequence):
    ids = tuple(_int(v, source, 0) for v in value)
  else:
    raise ValueError(f"{source}={value!r} is not 'all' or a comma list of device numbers like 0,1,2")
  if len(set(ids)) != len(ids):
    raise ValueError(f"{source}={value!r} repeats a device number")
  if any(i < 0 for i in ids):
    raise ValueError(f"{source}={value!r} has a negative device number")
  return ids


_PARSERS = {
    "coordinator_address": _address,
    "num_processes": lambda v, s: _int(v, s, 1),
    "process_id": lambda v, s: _int(v, s, 0),
    "local_device_ids": _device_ids,
    "cpu_devices_per_process": lambda v, s: _int(v, s, 1),
}


def _explicit(flags_values: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[dict, dict]:
  """Per field: the parsed value and where it came from (flag beats environment)."""
  unknown = set(flags_values) - set(FLAG_NAMES)
  if unknown:
    raise ValueError(f"unknown distributed setting(s) {sorted(unknown)}; known: {list(FLAG_NAMES)}")
  values, sources = {}, {}
  for name in FLAG_NAMES:
    candidates = [(f"--{name}", flags_values.get(name))]
    candidates += [(var, environ.get(var)) for var in ENV_VARS[name]]
    for source, raw in candidates:
      if raw is None or (isinstance(raw, str) and not raw.strip()):
        continue
      values[name], sources[name] = _PARSERS[name](raw, source), source
      break
  return values, sources


# ------------------------------------------------------------------------------------ detection


def _slurm_tasks_on_node(environ: Mapping[str, str]) -> int | None:
  """Tasks of this job step on this node, from SLURM_STEP_TASKS_PER_NODE ('2(x3),1') or similar."""
  for var in ("SLURM_STEP_TASKS_PER_NODE", "SLURM_TASKS_PER_NODE"):
    text = environ.get(var)
    if not text:
      continue
    counts = []
    for part in text.split(","):
      match = re.fullmatch(r"(\d+)(?:\(x(\d+)\))?", part.strip())
      if not match:
        return None
      counts += [int(match.group(1))] * int(match.group(2) or 1)
    node = environ.get("SLURM_NODEID")
    if len(set(counts)) == 1:
      return counts[0]
    if node is not None and node.isdigit() and int(node) < len(counts):
      return counts[int(node)]
    return None
  per_node = environ.get("SLURM_NTASKS_PER_NODE", "")
  return int(per_node) if per_node.isdigit() else None


def _slurm_device_ids(environ: Mapping[str, str]) -> tuple[int, ...] | None:
  """() (all visible devices) when this task is alone on its node or Slurm bound it one GPU."""
  visible = environ.get("CUDA_VISIBLE_DEVICES")
  if _slurm_tasks_on_node(environ) == 1:
    return ()
  if visible is not None and visible.strip() and "," not in visible:
    return ()
  return None   # JAX: one GPU per task, number SLURM_LOCALID


def _slurm_job_step(environ: Mapping[str, str]) -> bool:
  if "SLURM_JOB_ID" not in environ or "SLURM_NTASKS" not in environ:
    return False
  return _int(environ["SLURM_NTASKS"], "SLURM_NTASKS", 1) > 1


def _on_cloud_tpu_vm() -> bool:
  try:
    import jax   # noqa: F401  (importing jax runs its Cloud TPU VM detection; no backend starts)
    from jax._src import cloud_tpu_init
    return bool(cloud_tpu_init.running_in_cloud_tpu_vm)
  except Exception:   # private API: treat any change as "not a TPU VM"
    return False


def _tpu_multi_host(environ: Mapping[str, str]) -> bool:
  hosts = environ.get("TPU_PROCESS_ADDRESSES") or environ.get("TPU_WORKER_HOSTNAMES")
  if hosts is not None:
    return len([h for h in hosts.split(",") if h.strip()]) > 1
  return environ.get("TPU_SKIP_MDS_QUERY") is None   # GCE TPU VM: JAX asks the metadata server


def settings_from(flags_values: Mapping[str, Any], environ: Mapping[str, str], *,
                  tpu_vm: bool | None = None) -> DistributedSettings | None:
  """The settings of this process, or None for a single-process run. One-line ValueErrors.

  tpu_vm: whether this is a Cloud TPU VM (default: ask JAX; tests pass it).
  """
  values, sources = _explicit(flags_values, environ)
  coordinator = values.get("coordinator_address")
  num = values.get("num_processes")
  pid = values.get("process_id")
  devices = values.get("local_device_ids")
  cpu_devices = values.get("cpu_devices_per_process")

  if num is not None and pid is not None and not pid < num:
    raise ValueError(f"process_id={pid} ({sources['process_id']}) is outside [0, {num}) "
                     f"(num_processes from {sources['num_processes']})")

  if num == 1 and coordinator is None:
    return None   # explicitly a single process

  given = {k for k in ("coordinator_address", "num_processes", "process_id") if k in values}
  if given == {"coordinator_address", "num_processes", "process_id"}:
    return DistributedSettings(coordinator, num, pid, devices, cpu_devices, cluster=None)

  cluster = None
  if _slurm_job_step(environ):
    missing = [v for v in _SLURM_VARS if v not in environ]
    if missing:
      raise ValueError(f"SLURM job with SLURM_NTASKS={environ['SLURM_NTASKS']} but {', '.join(missing)} "
                       "unset: start every task with srun")
    cluster = "slurm"
    if num is None:
      num = _int(environ["SLURM_NTASKS"], "SLURM_NTASKS", 1)
    if pid is None:
      pid = _int(environ["SLURM_PROCID"], "SLURM_PROCID", 0)
    if not pid < num:
      raise ValueError(f"process_id={pid} is outside [0, {num}) (SLURM)")
    if devices is None:
      devices = _slurm_device_ids(environ)
  elif (tpu_vm if tpu_vm is not None else _on_cloud_tpu_vm()) and (given or _tpu_multi_host(environ)):
    cluster = "tpu"

  if cluster is None:
    if not given:
      if cpu_devices is not None or devices is not None:
        name = "cpu_devices_per_process" if cpu_devices is not None else "local_device_ids"
        raise ValueError(f"{name} ({sources[name]}) needs a multi-process run (num_processes, "
                         "coordinator_address); for one process use XLA_FLAGS / CUDA_VISIBLE_DEVICES")
      return None
    if coordinator is None:
      first = sorted(given)[0]
      raise ValueError(f"{first} ({sources[first]}) given without a coordinator address "
                       "(--coordinator_address or EFLOW_COORDINATOR_ADDRESS, host:port)")
    missing = [k for k in ("num_processes", "process_id") if k not in given]
    raise ValueError(f"coordinator address ({sources['coordinator_address']}) given without "
                     f"{' and '.join(missing)} (flags or EFLOW_{missing[0].upper()})")
  return DistributedSettings(coordinator, num, pid, devices, cpu_devices, cluster=cluster)


# ------------------------------------------------------------------------------- initialisation

_initialized_with: DistributedSettings | None = None


def _backends_started() -> bool:
  try:
    from jax._src import xla_bridge
    return bool(xla_bridge.backends_are_initialized())
  except (ImportError, AttributeError):   # private API: let jax.distributed raise instead
    return False


def _runs_on_cpu() -> bool:
  import jax
  platforms = jax.config.jax_platforms or os.environ.get("JAX_PLATFORMS", "")
  first = platforms.split(",")[0].strip().lower()
  return first in ("", "cpu")   # unset: CPU unless an accelerator turns up; gloo harms nothing there


def topology() -> dict:
  """Small dict for logging: who am I, how many of us, which devices."""
  import jax
  return {
      "process_index": jax.process_index(),
      "process_count": jax.process_count(),
      "local_devices": [str(d) for d in jax.local_devices()],
      "global_devices": jax.device_count(),
      "platform": jax.default_backend(),
  }


def initialize(settings: DistributedSettings | None, *, initialization_timeout: int = 300) -> dict:
  """Joins the run (jax.distributed.initialize) and returns `topology()`.

  Must come before any other JAX use. None (single process) initialises nothing. A second call
  with the same settings is a no-op; with different settings, or after JAX already started its
  backend, it raises RuntimeError.
  """
  global _initialized_with
  import jax

  if settings is None:
    if _initialized_with is not None:
      raise RuntimeError(f"jax.distributed already initialised with {_initialized_with}")
    return topology()
  if _initialized_with is not None:
    if settings == _initialized_with:
      return topology()
    raise RuntimeError(f"jax.distributed already initialised with {_initialized_with}; "
                       f"cannot re-initialise with {settings}")
  if jax.distributed.is_initialized():
    raise RuntimeError("jax.distributed was already initialised elsewhere in this process")
  if _backends_started():
    raise RuntimeError("eflow_jax.distributed.initialize must run before any other JAX use "
                       "(a JAX computation or jax.devices() already started the backend)")

  if _runs_on_cpu():
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    if settings.cpu_devices_per_process is not None:
      jax.config.update("jax_num_cpu_devices", settings.cpu_devices_per_process)

  kwargs: dict[str, Any] = {"initialization_timeout": initialization_timeout}
  for name in ("coordinator_address", "num_processes", "process_id"):
    if getattr(settings, name) is not None:
      kwargs[name] = getattr(settings, name)
  if settings.local_device_ids is not None:
    # () = no restriction; jax 0.10.2 keeps an empty list as given (no SLURM one-GPU default).
    kwargs["local_device_ids"] = list(settings.local_device_ids)
  if settings.cluster is None:
    kwargs["cluster_detection_method"] = "deactivate"   # everything explicit: no SLURM/TPU guessing
  elif settings.cluster == "slurm":
    kwargs["cluster_detection_method"] = "slurm"
  # "tpu": JAX picks its GCE or GKE TPU cluster itself.
  jax.distributed.initialize(**kwargs)
  _initialized_with = settings
  check_joined(settings, jax.process_count())
  return topology()


def check_joined(settings: DistributedSettings, process_count: int) -> None:
  """The coordinator (process 0) holds the run's process count: a process told another count would
  otherwise train on as part of a run of a size it was not given, without a word."""
  if settings.num_processes is not None and settings.num_processes != process_count:
    raise RuntimeError(f"num_processes={settings.num_processes} here but the coordinator at "
                       f"{settings.coordinator_address} runs {process_count} processes; give every process "
                       f"the same --num_processes (or EFLOW_NUM_PROCESSES).")


def is_primary() -> bool:
  """Process 0: the one that writes logs and samples."""
  import jax
  return jax.process_index() == 0


def define_flags(flag_values=None) -> None:
  """Defines the absl flags of FLAG_NAMES (all default None: fall back to environment/detection)."""
  from absl import flags
  fv = flag_values if flag_values is not None else flags.FLAGS
  flags.DEFINE_string("coordinator_address", None, "Multi-process: host:port of process 0's coordinator "
                      "(else EFLOW_COORDINATOR_ADDRESS, SLURM or TPU detection).", flag_values=fv)
  flags.DEFINE_integer("num_processes", None, "Multi-process: number of processes (1 = single, no detection).",
                       flag_values=fv)
  flags.DEFINE_integer("process_id", None, "Multi-process: this process's id in [0, num_processes).",
                       flag_values=fv)
  flags.DEFINE_string("local_device_ids", None, "Multi-process: GPUs of this process, '0,1' or 'all'.",
                      flag_values=fv)
  flags.DEFINE_integer("cpu_devices_per_process", None, "Multi-process on CPU: CPU devices per process.",
                       flag_values=fv)


def flag_values_dict(flag_values=None) -> dict:
  """{name: value} of the FLAG_NAMES flags, for `settings_from`."""
  from absl import flags
  fv = flag_values if flag_values is not None else flags.FLAGS
  return {name: fv[name].value for name in FLAG_NAMES if name in fv}
