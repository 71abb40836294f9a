"""Where each block's parameters live when blocks run under `nn.scan` (`model.scan_blocks`).

A section (encoder / middle / decoder) is cut into segments: [prefix run][first softmax block]
[periods][suffix run], where a period is (K-1 non-softmax blocks under an inner scan, then one
softmax block) under an outer scan (`models/video_dit.py` builds them).

Parameter naming: a section's segments are top-level keys `{section}_{segment}`; every path
component that ends in `_scan` adds ONE leading stacked "layers" axis to the leaves beneath it
(`stacked_axes(path)` counts them):
    {s}_run_scan, {s}_prefix_scan, {s}_suffix_scan     1 axis  (blocks of the run)
    {s}_softmax                                         0 axes  (one block)
    {s}_periods_scan/blocks_scan                        2 axes  (periods, K-1 blocks)
    {s}_periods_scan/softmax                            1 axis  (periods)
`scan_blocks=False` keeps the unrolled names `{s}_{i}` (0 axes). `unrolled_to_scanned` and
`scanned_to_unrolled` convert between the two layouts.

Pure functions of the model's block counts; `sharding.py` uses `stacked_axes` to never shard a
stacked "layers" axis.
"""
from typing import Any

import jax
import jax.numpy as jnp


def section_blocks(model) -> dict[str, range]:
  """Global block indices of each section (encoder, middle, decoder), in execution order."""
  e, m = model.encoder_blocks, model.middle_blocks
  return {"encoder": range(0, e), "middle": range(e, e + m), "decoder": range(e + m, model.num_blocks)}


def section_layout(section: str, blocks: range, softmax_every: int, scanned: bool) -> dict[str, Any]:
  """Parameter key of each segment of one section -> global indices of the blocks it holds.

  An int is one block; each list level is one stacked leading axis (one scan); a dict is a period
  {'blocks_scan': [[K-1 indices] per period], 'softmax': [index per period]}. Keys are in execution
  order. Scanned: [prefix run][first softmax][periods][suffix run], or one run when the section has
  no softmax block, so a section traces at most 5 block bodies whatever its depth.
  """
  if not scanned:
    return {f"{section}_{j}": i for j, i in enumerate(blocks)}
  k = softmax_every
  ends = [i for i in blocks if k and (i + 1) % k == 0]        # the softmax blocks
  if not ends:
    return {f"{section}_run_scan": list(blocks)} if len(blocks) else {}
  layout = {}
  if ends[0] > blocks.start:
    layout[f"{section}_prefix_scan"] = list(range(blocks.start, ends[0]))
  layout[f"{section}_softmax"] = ends[0]
  if len(ends) > 1:                                           # consecutive ends are K apart
    base = {"blocks_scan": [list(range(p - k + 1, p)) for p in ends[1:]]} if k > 1 else {}
    layout[f"{section}_periods_scan"] = {**base, "softmax": ends[1:]}
  if ends[-1] + 1 < blocks.stop:
    layout[f"{section}_suffix_scan"] = list(range(ends[-1] + 1, blocks.stop))
  return layout


def block_layout(model, scanned: bool | None = None) -> dict[str, Any]:
  """`section_layout` of every section: top-level block parameter key -> global block indices.
  `scanned` defaults to `model.scan_blocks`."""
  scanned = model.scan_blocks if scanned is None else scanned
  layout = {}
  for section, blocks in section_blocks(model).items():
    layout.update(section_layout(section, blocks, model.softmax_every, scanned))
  return layout


def stacked_axes(path) -> int:
  """Number of leading stacked "layers" axes of the parameter at `path`: one per path component
  ending in '_scan'. `path` is a '/'-joined string or a sequence of keys / jax tree-path entries
  (DictKey), e.g. ('middle_periods_scan', 'blocks_scan', 'ffn', 'fc1', 'kernel') -> 2."""
  parts = path.split("/") if isinstance(path, str) else [getattr(p, "key", p) for p in path]
  return sum(str(part).endswith("_scan") for part in parts)


def _relayout(params, source: dict, target: dict):
  """Re-arranges block parameters from one block layout to another; other parameters pass through."""
  by_index = {}

  def collect(indices, tree):
    if isinstance(indices, int):
      by_index[indices] = tree
    elif isinstance(indices, list):
      for j, sub in enumerate(indices):
        collect(sub, jax.tree.map(lambda a: a[j], tree))
    else:
      for key, sub in indices.items():
        collect(sub, tree[key])

  def build(indices):
    if isinstance(indices, int):
      return by_index[indices]
    if isinstance(indices, list):
      return jax.tree.map(lambda *leaves: jnp.stack(leaves), *[build(sub) for sub in indices])
    return {key: build(sub) for key, sub in indices.items()}

  for key, indices in source.items():
    collect(indices, params[key])
  out = {key: value for key, value in params.items() if key not in source}
  out.update({key: build(indices) for key, indices in target.items()})
  return out


def unrolled_to_scanned(params, model):
  """Parameters of the unrolled model (`{section}_{i}` blocks) -> the scan layout of `model`."""
  return _relayout(params, block_layout(model, scanned=False), block_layout(model, scanned=True))


def scanned_to_unrolled(params, model):
  """Inverse of `unrolled_to_scanned`."""
  return _relayout(params, block_layout(model, scanned=True), block_layout(model, scanned=False))
