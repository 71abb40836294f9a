"""Which clips an evaluation scores against, as its report records them (its protocol's `eval_set`):
an eval report of one set is not replaced by one of another (cli_checks.check_eval_report_settings),
and an eval whose held-out clips are the training records says so, once, whether the records come
from data.path itself or from a data.eval_path that names the training set, a copy of it, or a set
prepared from some of the same videos."""
from __future__ import annotations

import functools
import glob
import json
import os
import sys

import numpy as np

from eflow_jax.data import fingerprint
from eflow_jax.data import records


@functools.lru_cache(maxsize=16)
def _fingerprint(path: str) -> str:
  return fingerprint.record_fingerprint(path)


@functools.lru_cache(maxsize=16)
def _source_videos(path: str) -> tuple | None:
  """The sha256 of each video a record set of prepare_data was encoded from (its shard sidecars'
  'inputs', tools/input_digests.py); None for a set without them (another writer, an older version,
  a TFDS example)."""
  digests = []
  for sidecar in sorted(glob.glob(os.path.join(path, "shard-[0-9][0-9][0-9][0-9][0-9].json"))):
    try:
      with open(sidecar, encoding="utf-8") as f:
        inputs = json.load(f).get("inputs")
    except (OSError, ValueError, AttributeError):
      return None
    if not isinstance(inputs, list):
      return None
    digests += [i[3] for i in inputs if isinstance(i, list) and len(i) == 4]   # None: no file to digest
  return tuple(digests) or None


def videos_shared_with_training(data_cfg) -> tuple[int, int] | None:
  """(how many of the videos data.eval_path was prepared from are, by contents, videos data.path was
  prepared from; how many it was prepared from), or None when either set does not record them: a
  val list cut from the training folder, or overlapping it, scores clips the model trained on."""
  evaluated = _source_videos(os.path.realpath(data_cfg.eval_path))
  trained = _source_videos(os.path.realpath(data_cfg.path))
  if evaluated is None or trained is None:
    return None
  trained = set(trained)
  return sum(d in trained for d in evaluated), len(evaluated)


def same_as_training(data_cfg) -> bool:
  """Whether data.eval_path holds the training set: the same folder, or records of the same fingerprint."""
  same_folder = os.path.realpath(data_cfg.eval_path) == os.path.realpath(data_cfg.path)
  return same_folder or _fingerprint(os.path.realpath(data_cfg.eval_path)) == _fingerprint(os.path.realpath(data_cfg.path))


def describe(data_cfg, trained: dict | None = None) -> dict:
  """The report's `eval_set`: where the clips come from, the records' fingerprint (a set copied or
  moved keeps it), how many there are (a report of more real clips repeats them) and whether they
  are held out from training: `trained`, the data section the weights were trained with (from the
  checkpoint's meta), says whether a holdout asked for at eval time was held out in training too."""
  if data_cfg.source != "array_record":
    return {"clips": f"{data_cfg.source} held-out split", "held_out": True}
  if data_cfg.eval_path:
    shared = videos_shared_with_training(data_cfg)
    described = {"clips": "data.eval_path", "fingerprint": _fingerprint(os.path.realpath(data_cfg.eval_path)),
                 "records": records.read_manifest(data_cfg.eval_path)["num_examples"],
                 "held_out": not same_as_training(data_cfg) and not (shared and shared[0])}
    if shared and shared[0]:
      described["videos_also_trained_on"] = f"{shared[0]} of {shared[1]}"
    return described
  hold = int(data_cfg.holdout_examples or 0)
  if trained is None:                     # not known (an export): as this config says
    trained_hold = hold
  else:                                   # a run given data.eval_path trained on every record of data.path
    trained_hold = 0 if trained.get("eval_path") else int(trained.get("holdout_examples") or 0)
  return {"clips": f"the last {hold} records of data.path" if hold else "the training records of data.path",
          "fingerprint": _fingerprint(os.path.realpath(data_cfg.path)),
          "records": hold or records.read_manifest(data_cfg.path)["num_examples"],
          "held_out": bool(hold) and trained_hold >= hold}


def warn_if_repeated(path: str, num_records: int, batch_size: int) -> None:
  """One line, once: a batch of more clips than the held-out records repeats them (the real clips'
  statistics, and with I3D the FVD reference, count each repeat as another clip)."""
  if num_records < batch_size:
    _say_once(f"{path} has {num_records} held-out record(s), fewer than the {batch_size} clips of an eval batch: each "
              f"is used about {batch_size / num_records:.1f} times; give more held-out clips or a smaller "
              f"eval.num_samples.")


_told: set[str] = set()


def warn_if_training_records(data_cfg) -> None:
  """One line, once per process and set, when the eval batch is drawn from the training records."""
  if data_cfg.eval_path and same_as_training(data_cfg):
    message = (f"data.eval_path={data_cfg.eval_path} holds the same records as data.path={data_cfg.path}: the eval "
               f"batch is drawn from the TRAINING records; give a held-out set.")
  elif data_cfg.eval_path and (videos_shared_with_training(data_cfg) or (0,))[0]:
    shared, total = videos_shared_with_training(data_cfg)
    message = (f"{shared} of the {total} videos data.eval_path={data_cfg.eval_path} was prepared from are videos "
               f"data.path={data_cfg.path} was prepared from (the same contents): the eval scores clips the model "
               f"trained on, and its report says held_out false; prepare the eval set from videos apart.")
  elif not data_cfg.eval_path and not data_cfg.holdout_examples:
    message = (f"data.eval_path and data.holdout_examples are unset: the eval batch is drawn from the TRAINING "
               f"records {data_cfg.path}.")
  else:
    return
  _say_once(message)


LABELS_READ = 256          # held-out records whose labels are read (evenly spaced)


def warn_if_holdout_takes_classes(data_cfg, manifest: dict, source) -> None:
  """data.holdout_examples holds out the LAST records, and a set in class order (prepare_data writes a
  class folder class by class; a list sorted by label) then loses whole classes from training (and
  the held-out scores are of those classes alone): every class of the tail but the last training
  record's. One line, naming them. A list is taken to be in class order when the labels of up to
  LABELS_READ evenly spaced training records are."""
  hold, n = int(data_cfg.holdout_examples), manifest["num_examples"]
  if manifest.get("label_kind") != "class":
    return
  label = lambda i: int(records.decode_example(source[int(i)])["label"])
  spaced = lambda start, stop: np.unique(np.linspace(start, stop - 1, min(stop - start, LABELS_READ)).round())
  origin = str(manifest.get("source", ""))
  from_folder = not origin.endswith((".jsonl", ".csv")) and not origin.startswith("tfds:")
  if not from_folder and np.any(np.diff([label(i) for i in spaced(0, n - hold)]) < 0):
    return                    # a list in its own order: its classes are not known to come in blocks
  gone = sorted({label(i) for i in spaced(n - hold, n)} - {label(n - hold - 1)})
  if gone:
    names = manifest.get("class_names") or []
    shown = ", ".join(repr(names[c]) if c < len(names) else str(c) for c in gone[:5])
    _say_once(f"data.holdout_examples={hold} holds out the last {hold} records of {data_cfg.path}, which holds its "
              f"records in class order: class(es) {shown}{' ...' if len(gone) > 5 else ''} are never trained; "
              f"prepare a held-out set apart and give it as data.eval_path.")


def _say_once(message: str) -> None:
  if message not in _told:
    _told.add(message)
    print(f"warning: {message}", file=sys.stderr, flush=True)
