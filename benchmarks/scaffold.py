"""The scaffold every benchmark script stands on (benchmarks/README.md; not a library module).

So that the scripts agree on
  the command line  `--config` (a repo-relative path works from anywhere: `load`), `--set KEY=VALUE`
                    (dotted overrides, Python literals: `parse_sets`, `with_overrides`), `--json`
                    (the report's path, under benchmarks/results/ by default: `add_report_flag`);
  the report        `write_json`: the result dict stamped with `provenance` (the command, the
                    commit and whether the tree had uncommitted changes, the machine and its vector
                    ISA, the device, the date), so the file can be committed as a report;
  timing            interleaved rounds (every variant once per round, so a shared machine's drift
                    hits all alike) and medians: `interleaved`, `time_interleaved`, `median`, `spread`;
  FLOPs             XLA's cost analysis of an unrolled twin (`unrolled`, `cost_flops`: XLA counts a
                    while loop's body once, so `nn.scan` blocks and the samplers' step scans would
                    be under-counted) and the MFU denominator (`matmul_peak`).
Every script puts the repo root on sys.path before importing it, so each runs both as
`python benchmarks/<folder>/<script>.py` and as `python -m benchmarks.<folder>.<script>`.
"""
from __future__ import annotations

import ast
import os
import statistics
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
  sys.path.insert(0, REPO)
RESULTS = os.path.join(REPO, "benchmarks", "results")     # uncommitted; committed reports live in docs/

import jax  # pylint: disable=g-import-not-at-top
import jax.numpy as jnp
import ml_collections
import numpy as np

from eflow_jax import config_lib
from eflow_jax.atomic_io import write_json_atomically


def load(path_and_arg: str):
  """config_lib.load_config with a repo-relative path allowed (benchmarks run from anywhere)."""
  path, sep, arg = path_and_arg.partition(":")
  if not os.path.isabs(path) and not os.path.exists(path):
    path = os.path.join(REPO, path)
  return config_lib.load_config(path + sep + arg)


def with_overrides(config, overrides: dict, flag: str = "--set"):
  """A copy of `config` with {'model.attention': 'softmax', ...} applied (dotted keys)."""
  config = config.copy_and_resolve_references()
  for key, value in overrides.items():
    *parents, leaf = key.split(".")
    node = config
    for depth, name in enumerate(parents + [leaf]):
      if not isinstance(node, ml_collections.ConfigDict) or name not in node:
        # Set anyway, a misspelt field would be a new one that nothing reads (main.py's locked
        # config refuses it the same way).
        raise SystemExit(f"{flag} {key}: the config has no field {'.'.join(parents[:depth] + [name])!r}; "
                         f"check the spelling against the config.")
      if depth < len(parents):
        node = node[name]
    try:
      node[leaf] = value
    except (TypeError, ValueError) as e:
      raise SystemExit(f"{flag} {key}={value!r}: {' '.join(str(e).split())}") from None
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


def add_report_flag(parser, name: str | None, *aliases: str, required: bool = False) -> None:
  """`--json` (and `aliases`: '--out' where a script's recorded commands say so): where the report
  goes; benchmarks/results/<name>.json by default, none when `name` is None and no flag is given."""
  default = os.path.join(RESULTS, f"{name}.json") if name else None
  parser.add_argument("--json", *aliases, dest="json", default=default, required=required,
                      help="the JSON report's path ('' = none)" + (f"; default {os.path.relpath(default, REPO)}" if name else ""))


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


def interleaved(calls: dict, rounds: int, after_round=None) -> dict:
  """calls: {name: fn() -> seconds of one timed unit}. Every call once per round, round-robin, so
  slow drifts of a shared machine hit all variants alike. Returns {name: [seconds per round]}.
  `after_round(times)`, if given, sees the rounds so far after each one (a partial report)."""
  times = {name: [] for name in calls}
  for r in range(rounds):
    for name, fn in calls.items():
      times[name].append(fn())
    # One line per round, so a run cut off by its time limit still leaves the rounds it finished.
    print(f"  round {r + 1}/{rounds}: " + ", ".join(f"{name} {t[-1]:.4g} s" for name, t in times.items()),
          flush=True)
    if after_round is not None:
      after_round({name: list(t) for name, t in times.items()})
  return times


def time_interleaved(calls: dict, args_of: dict, rounds: int) -> dict:
  """calls: {name: jitted or compiled fn}, args_of: {name: its arguments}. One warm-up call each,
  then `rounds` interleaved rounds (block_until_ready); {name: median seconds}."""
  for name, fn in calls.items():
    jax.block_until_ready(fn(*args_of[name]))

  def once(name):
    def call():
      t = time.perf_counter()
      jax.block_until_ready(calls[name](*args_of[name]))
      return time.perf_counter() - t
    return call
  times = interleaved({name: once(name) for name in calls}, rounds)
  return {name: median(ts) for name, ts in times.items()}


def median(xs):
  return float(statistics.median(xs))


def spread(xs) -> float:
  """(max - min) / median of the rounds: how noisy a row is."""
  m = statistics.median(xs)
  return float((max(xs) - min(xs)) / m) if m else float("nan")


def device_line() -> str:
  d = jax.devices()[0]
  return f"{d.device_kind} ({jax.default_backend()}, {jax.device_count()} device(s)), jax {jax.__version__}"


def provenance(script: str | None = None, argv=None) -> dict:
  """What a committed report needs to be re-checked: the command (`script`, repo-relative, and
  `argv`, default sys.argv's), the commit (and whether the tree had uncommitted changes), the
  machine (CPU model, cores, AVX-512 or AVX2 only), the device, the date."""
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
  program = os.path.abspath(script or sys.argv[0])
  if program.startswith(REPO + os.sep):
    program = os.path.relpath(program, REPO)
  return {"command": " ".join(["python", program, *(sys.argv[1:] if argv is None else argv)]),
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


def write_json(result: dict, path: str | None, script: str | None = None, argv=None, *,
               announce: bool = True) -> None:
  """Writes a benchmark's result dict (rows, goals, settings) to `path` when one is given, after
  `provenance(script, argv)` (its keys first; the result's own win), atomically: a script that
  rewrites its report after each point (a resumable one) never leaves half a file."""
  if not path:
    return
  result = {**provenance(script, argv), **result}
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  write_json_atomically(path, result)
  if announce:
    print(f"wrote {path}" + (f" ({result['wall_s']:.0f} s)" if "wall_s" in result else ""))
