"""The device mesh and every sharding of a run, derived from `config.mesh` and `config.sharding`.

Mesh axes: `data` (pure data parallel: parameters replicated), `fsdp` (data parallel whose
replicas each hold 1/fsdp of every large parameter and its optimizer moments; XLA all-gathers a
weight just before it is used and reduce-scatters its gradient) and `context` (each clip's latent
frames split over the axis inside one data-parallel replica; the attention layers exchange what
they need: eflow_jax/models/context_parallel.py). Each axis has an ICI size (within
a slice / host: fast links) and a DCN size (across slices / hosts); the mesh size along an axis is
their product. `-1` means "whatever is left" (at most one -1 per level). Room for a `tensor` axis
later: it slots into MESH_AXES and the rules below without touching the model.

Parameters (and anything shaped like them: EMA, Adam moments) are sharded by `param_rules`, a list
of (regex over the leaf's path, strategy): the first matching regex wins. Strategies:
  'fsdp'       shard the largest dimension divisible by the fsdp size over `fsdp` (leading stacked
               "layers" axes of scanned blocks are never chosen); leaves with fewer than
               `min_shard_elements` elements stay replicated (sharding a bias buys nothing).
  'replicate'  every device holds the whole leaf.
The batch enters the step sharded over the mesh axes its logical axis `batch` maps to in
`activation_rules` (flax's logical-axis rules; default `('data', 'fsdp')`), and GSPMD propagates
from there: no other activation is annotated, so `batch` is the only rule read.
"""
from __future__ import annotations

import re
from typing import Any, Sequence

import flax.linen as nn
import jax
import numpy as np
from jax.experimental import mesh_utils
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

from eflow_jax.models.scan_layout import stacked_axes   # leading scan axes: never sharded

MESH_AXES = ("data", "fsdp", "context")
DATA_PARALLEL_AXES = ("data", "fsdp")
STRATEGIES = ("fsdp", "replicate")


# ------------------------------------------------------------------------------------------------
# Mesh.
# ------------------------------------------------------------------------------------------------
def _resolve(sizes: Sequence[int], total: int, what: str) -> tuple[int, ...]:
  sizes = [int(s) for s in sizes]
  if sizes.count(-1) > 1:
    raise ValueError(f"config.mesh: at most one {what} size may be -1, got {sizes}.")
  if any(s == 0 or s < -1 for s in sizes):
    raise ValueError(f"config.mesh: {what} sizes must be positive or -1, got {sizes}.")
  known = int(np.prod([s for s in sizes if s != -1]))
  if -1 in sizes:
    if total % known:
      where = "devices per host or slice" if what == "ICI" else "hosts or slices"
      raise ValueError(f"config.mesh: {what} sizes {sizes} ({', '.join(MESH_AXES)}) do not divide the {total} "
                       f"{where}; change config.mesh so that they do.")
    sizes[sizes.index(-1)] = total // known
  if int(np.prod(sizes)) != total:
    raise ValueError(f"config.mesh: {what} sizes {sizes} multiply to {int(np.prod(sizes))}, but "
                     f"there are {total}; change config.mesh so the product is {total} (or use -1).")
  return tuple(sizes)


def mesh_shape(mesh_cfg, num_devices: int, num_granules: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
  """(ici_shape, dcn_shape) over MESH_AXES. Granules are slices (TPU) or processes (GPU/CPU)."""
  # .get: a config written before the `context` axis existed means context 1.
  dcn = _resolve([mesh_cfg.get(f"dcn_{a}", 1) for a in MESH_AXES], num_granules, "dcn_*")
  ici = _resolve([mesh_cfg.get(a, 1) for a in MESH_AXES], num_devices // num_granules, "ICI")
  return ici, dcn


def make_mesh(mesh_cfg, devices=None) -> Mesh:
  """The run's Mesh. One granule per TPU slice, else one per process (hosts talk over DCN)."""
  devices = list(jax.devices() if devices is None else devices)
  slices = {getattr(d, "slice_index", 0) for d in devices}
  granule_of = (lambda d: d.slice_index) if len(slices) > 1 else (lambda d: d.process_index)
  num_granules = len({granule_of(d) for d in devices})
  ici, dcn = mesh_shape(mesh_cfg, len(devices), num_granules)
  if num_granules > 1:
    grid = mesh_utils.create_hybrid_device_mesh(ici, dcn, devices,
                                                process_is_granule=len(slices) == 1)
  else:
    try:
      grid = mesh_utils.create_device_mesh(ici, devices)
    except (ValueError, NotImplementedError, AssertionError):   # no topology info (CPU, some GPUs)
      grid = np.asarray(devices).reshape(ici)
  return Mesh(grid, MESH_AXES)


def data_parallel_size(mesh: Mesh) -> int:
  return int(np.prod([mesh.shape[a] for a in DATA_PARALLEL_AXES]))


def context_size(mesh: Mesh) -> int:
  """How many devices share one clip's frames (1: no context parallelism)."""
  return int(mesh.shape.get("context", 1))


def check_batch(global_batch: int, mesh: Mesh, what: str = "data.batch_size") -> None:
  dp = data_parallel_size(mesh)
  if global_batch % dp:
    raise ValueError(f"{what}={global_batch} is not a multiple of the data-parallel size "
                     f"{dp} (mesh data x fsdp of {dict(mesh.shape)}); change one of them.")


# ------------------------------------------------------------------------------------------------
# Parameter-shaped trees.
# ------------------------------------------------------------------------------------------------
def path_string(path) -> str:
  """'params/middle_0/attn/qkv/kernel' style name of a pytree key path."""
  parts = []
  for key in path:
    for attr in ("key", "name", "idx"):
      if hasattr(key, attr):
        parts.append(str(getattr(key, attr)))
        break
  return "/".join(parts)


def check_rules(rules) -> list[tuple[re.Pattern, str]]:
  compiled = []
  for rule in rules:
    if len(rule) != 2 or rule[1] not in STRATEGIES:
      raise ValueError(f"config.sharding.param_rules entry {tuple(rule)!r} must be (regex, strategy) "
                       f"with strategy in {STRATEGIES}.")
    try:
      compiled.append((re.compile(rule[0]), rule[1]))
    except re.error as e:
      raise ValueError(f"config.sharding.param_rules regex {rule[0]!r} is invalid: {e}.") from None
  return compiled


def leaf_spec(path: str, shape, rules, fsdp: int, min_elements: int) -> P:
  """PartitionSpec of one parameter-shaped leaf under the first matching rule."""
  strategy = next((s for regex, s in rules if regex.search(path)), "replicate")
  if strategy == "replicate" or fsdp == 1 or int(np.prod(shape, dtype=np.int64)) < min_elements:
    return P()
  skip = stacked_axes(path)
  candidates = [i for i in range(skip, len(shape)) if shape[i] % fsdp == 0]
  if not candidates:
    return P()
  # Largest divisible dimension; ties go to the last one (the output features of a kernel).
  axis = max(candidates, key=lambda i: (shape[i], i))
  spec = [None] * len(shape)
  spec[axis] = "fsdp"
  return P(*spec)


def tree_specs(tree, sharding_cfg, mesh: Mesh):
  """PartitionSpecs for every leaf of a (possibly abstract) tree: params, EMA, optimizer state."""
  rules = check_rules(sharding_cfg.param_rules)
  fsdp = mesh.shape["fsdp"]
  return jax.tree_util.tree_map_with_path(
      lambda path, leaf: leaf_spec(path_string(path), np.shape(leaf), rules, fsdp,
                                   int(sharding_cfg.min_shard_elements)), tree)


def tree_shardings(tree, sharding_cfg, mesh: Mesh):
  return jax.tree.map(lambda spec: NamedSharding(mesh, spec), tree_specs(tree, sharding_cfg, mesh),
                      is_leaf=lambda x: isinstance(x, P))


# ------------------------------------------------------------------------------------------------
# Activations.
# ------------------------------------------------------------------------------------------------
def logical_spec(axes: Sequence[str | None], sharding_cfg) -> P:
  rules = tuple((name, tuple(m) if isinstance(m, (list, tuple)) else m)
                for name, m in sharding_cfg.activation_rules)
  return nn.logical_to_mesh_axes(tuple(axes), rules)


def batch_sharding(mesh: Mesh, sharding_cfg, ndim: int) -> NamedSharding:
  """Sharding of a (B, ...) input array: logical ('batch', None, ...)."""
  return NamedSharding(mesh, logical_spec(("batch",) + (None,) * (ndim - 1), sharding_cfg))


def replicated(mesh: Mesh) -> NamedSharding:
  return NamedSharding(mesh, P())


def batch_block(mesh: Mesh, sharding_cfg, global_batch_size: int) -> tuple[int, int]:
  """(index, count): which contiguous block of each global batch this process's devices hold, of
  `count` equal blocks: what this process's data pipeline must read (data/pipeline.py ProcessBlock).

  Not (process_index, process_count): processes that hold the same rows must read the same examples,
  because `jax.make_array_from_process_local_data` takes a process's data as exactly the rows its
  devices hold. That happens when a clip's context shards (models/context_parallel.py) span
  processes, or with no data parallelism across processes at all.
  """
  sharding = batch_sharding(mesh, sharding_cfg, 1)
  rows = {(s.start or 0, global_batch_size if s.stop is None else s.stop)
          for (s,) in sharding.addressable_devices_indices_map((global_batch_size,)).values()}
  start, stop = min(r[0] for r in rows), max(r[1] for r in rows)
  size = stop - start
  if not _covers(rows, start, stop):
    raise ValueError(f"this process's devices hold rows {sorted(rows)} of the batch, not one contiguous "
                     f"block; order config.mesh so each process's devices are neighbours on the batch axes.")
  return start // size, global_batch_size // size


def _covers(rows, start: int, stop: int) -> bool:
  """Whether the row ranges `rows` tile [start, stop) without a gap."""
  reach = start
  for a, b in sorted(rows):
    if a > reach:
      return False
    reach = max(reach, b)
  return reach >= stop


def global_batch(local_batch: dict[str, Any], mesh: Mesh, sharding_cfg) -> dict[str, jax.Array]:
  """Process-local numpy batch -> global jax.Arrays sharded over the batch axis.

  Every process contributes the rows its devices hold (the data pipeline reads block `batch_block`
  of the global batch), so the global array's row order does not depend on the process count.
  """
  return {k: jax.make_array_from_process_local_data(batch_sharding(mesh, sharding_cfg, np.ndim(v)),
                                                     np.asarray(v))
          for k, v in local_batch.items()}


def describe(tree_shardings_, tree) -> dict[str, int]:
  """Counts of sharded vs replicated leaves (and elements held per device), for logs and tests."""
  leaves = jax.tree.leaves(tree)
  shards = jax.tree.leaves(tree_shardings_, is_leaf=lambda x: isinstance(x, NamedSharding))
  sharded = [l for l, s in zip(leaves, shards) if not s.is_fully_replicated]
  total = sum(int(np.prod(np.shape(l))) for l in leaves)
  per_device = sum(int(np.prod(s.shard_shape(np.shape(l)))) for l, s in zip(leaves, shards))
  return {"leaves": len(leaves), "sharded_leaves": len(sharded), "elements": total,
          "elements_per_device": per_device}
