"""Helpers shared by train_throughput.py and sampling_latency.py (not a library module).

They exist so that both scripts build their variants the same way (one base config plus dotted
overrides), count FLOPs the same way (XLA cost analysis of an unrolled twin: XLA counts a while
loop's body once, so `nn.scan` blocks and the samplers' step scans would be under-counted), and time
the same way (interleaved rounds, medians).
"""
from __future__ import annotations

import ast
import json
import os
import statistics
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
  sys.path.insert(0, REPO)

import jax  # pylint: disable=g-import-not-at-top
import jax.numpy as jnp
import numpy as np

from eflow_jax import config_lib


def load(path_and_arg: str):
  """config_lib.load_config with a repo-relative path allowed (benchmarks run from anywhere)."""
  path, sep, arg = path_and_arg.partition(":")
  if not os.path.isabs(path) and not os.path.exists(path):
    path = os.path.join(REPO, path)
  return config_lib.load_config(path + sep + arg)


def with_overrides(config, overrides: dict):
  """A copy of `config` with {'model.attention': 'softmax', ...} applied (dotted keys)."""
  config = config.copy_and_resolve_references()
  for key, value in overrides.items():
    *parents, leaf = key.split(".")
    node = config
    for p in parents:
      node = node[p]
    node[leaf] = value
  return config


def parse_sets(sets) -> dict:
  """['model.dtype=bfloat16', 'data.batch_size=8'] -> {key: value}; values are Python literals
  where they parse as one (numbers, booleans, tuples), strings otherwise."""
  out = {}
  for item in sets:
    key, sep, value = item.partition("=")
    if not sep or not key:
      raise SystemExit(f"--set wants KEY=VALUE (e.g. model.dtype=bfloat16), got {item!r}")
    try:
      out[key] = ast.literal_eval(value)
    except (ValueError, SyntaxError):
      out[key] = value
  return out


def unrolled(config):
  """The same network with no loop in its HLO, for XLA's FLOP count (which counts a loop body
  once): `model.scan_blocks=False`, and the jnp reference attention (the blocked softmax scans over
  key blocks; XLA cannot count a Pallas kernel's FLOPs at all)."""
  return with_overrides(config, {"model.scan_blocks": False, "model.attention_impl": "reference"})


def random_batch(model, example_shape, batch: int, text_length: int, seed: int = 0) -> dict:
  """A fixed batch of the train step's input shapes; throughput does not depend on its values."""
  kx, ky = jax.random.split(jax.random.PRNGKey(seed))
  out = {"x": jax.random.normal(kx, (batch, *example_shape), jnp.float32)}
  if model.num_classes:
    out["y"] = jax.random.randint(ky, (batch,), 0, model.num_classes, jnp.int32)
  else:
    out["text"] = jax.random.normal(ky, (batch, text_length, model.text_dim), jnp.float32)
    out["text_mask"] = jnp.ones((batch, text_length), jnp.int32)
  return out


def cost_flops(program) -> float | None:
  """'flops' of a Lowered's or Compiled's `cost_analysis()`: a dict, or a list of one dict."""
  try:
    cost = program.cost_analysis()
  except Exception:  # pylint: disable=broad-except   # some backends do not implement it
    return None
  if isinstance(cost, (list, tuple)):
    cost = cost[0] if cost else None
  if not cost or "flops" not in cost:
    return None
  return float(cost["flops"])


def matmul_peak(n: int = 2048, reps: int = 4, rounds: int = 3) -> float:
  """FLOP/s of a large f32 jnp.dot on the default device, best of `rounds`: the MFU denominator
  measured in this process, under whatever else the machine is running."""
  ka, kb = jax.random.split(jax.random.PRNGKey(0))
  a = jax.random.normal(ka, (n, n), jnp.float32)
  b = jax.random.normal(kb, (n, n), jnp.float32)
  dot = jax.jit(jnp.dot)      # default precision, as the model's matmuls use
  jax.block_until_ready(dot(a, b))
  best = float("inf")
  for _ in range(rounds):
    t = time.perf_counter()
    outs = [dot(a, b) for _ in range(reps)]
    jax.block_until_ready(outs)
    best = min(best, (time.perf_counter() - t) / reps)
  return 2.0 * n ** 3 / best


def interleaved(calls: dict, rounds: int) -> dict:
  """calls: {name: fn() -> seconds of one timed unit}. Every call once per round, round-robin, so
  slow drifts of a shared machine hit all variants alike. Returns {name: [seconds per round]}."""
  times = {name: [] for name in calls}
  for _ in range(rounds):
    for name, fn in calls.items():
      times[name].append(fn())
  return times


def median(xs):
  return float(statistics.median(xs))


def spread(xs) -> float:
  """(max - min) / median of the rounds: how noisy a row is."""
  m = statistics.median(xs)
  return float((max(xs) - min(xs)) / m) if m else float("nan")


def device_line() -> str:
  d = jax.devices()[0]
  return f"{d.device_kind} ({jax.default_backend()}, {jax.device_count()} device(s)), jax {jax.__version__}"


def provenance(argv=None) -> dict:
  """What a committed report needs to be re-checked: the command, the commit (and whether the tree
  had uncommitted changes), the machine (CPU model, cores, AVX-512 or AVX2 only), the date."""
  import datetime  # pylint: disable=g-import-not-at-top
  import platform  # pylint: disable=g-import-not-at-top
  import subprocess  # pylint: disable=g-import-not-at-top
  git = lambda *a: subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True).stdout.strip()
  flags, model = set(), platform.processor()
  if os.path.exists("/proc/cpuinfo"):
    for line in open("/proc/cpuinfo"):
      if line.startswith("flags") and not flags:
        flags = set(line.split(":", 1)[1].split())
      elif line.startswith("model name"):
        model = line.split(":", 1)[1].strip()
  vector = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "neither AVX-512 nor AVX2"
  return {"command": " ".join(["python", *(sys.argv if argv is None else argv)]),
          "commit": git("rev-parse", "HEAD"), "uncommitted_changes": bool(git("status", "--porcelain", "-uno")),
          "machine": f"{model}, {os.cpu_count()} cores, {vector}", "device": device_line(),
          "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def fmt(x, spec: str, missing: str = "-") -> str:
  return missing if x is None or (isinstance(x, float) and not np.isfinite(x)) else format(x, spec)


def table(rows, cols) -> str:
  """cols: [(header, width, row -> cell string)]; right-aligned text table."""
  lines = [" ".join(h.rjust(w) for h, w, _ in cols)]
  for r in rows:
    lines.append(" ".join(f(r).rjust(w) for _, w, f in cols))
  return "\n".join(lines)


def write_json(result: dict, path: str | None) -> None:
  """Writes a benchmark's result dict (rows, goals, the command that made it) when --json is set,
  with `provenance()` (commit, machine and CPU flags, date) so the file can be committed as a report."""
  if path:
    result = {**provenance(), **result}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as fh:
      json.dump(result, fh, indent=1)
    print(f"wrote {path} ({result['wall_s']:.0f} s)")
