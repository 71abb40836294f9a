"""Which clips an evaluation scores against, as its report records them (its protocol's `eval_set`):
an eval report of one set is not replaced by one of another (cli_checks.check_eval_report_settings),
and an eval whose held-out clips are the training records says so, once, whether the records come
from data.path itself or from a data.eval_path that names the training set, a copy of it, or a set
prepared from some of the same videos."""
from __future__ import annotations

import os
import sys

import numpy as np

from eflow_jax.data import clip_digests
from eflow_jax.data import records
from eflow_jax.data import trained_sets


_fingerprint = clip_digests.set_fingerprint


def same_as_training(data_cfg) -> bool:
  """Whether data.eval_path holds the training set: the same folder, or records of the same fingerprint."""
  same_folder = os.path.realpath(data_cfg.eval_path) == os.path.realpath(data_cfg.path)
  return same_folder or _fingerprint(os.path.realpath(data_cfg.eval_path)) == _fingerprint(os.path.realpath(data_cfg.path))


def _this_config_trained(data_cfg, trained: dict | None) -> dict:
  """The history a run of this data section has (data/trained_sets.py): data.path with the records
  it held out; `trained`, the checkpoint's data section, says what training held out."""
  return trained_sets.from_record_sets({data_cfg.path: _fingerprint(os.path.realpath(data_cfg.path))},
                                       data_cfg if trained is None else trained)


def describe(data_cfg, trained: dict | None = None, history: dict | None = None) -> dict:
  """The report's `eval_set`: where the clips come from, the records' fingerprint (a set copied or
  moved keeps it), how many there are (a report of more real clips repeats them) and whether they
  are held out from training (None: cannot be told), with why not. `history`: every set the weights
  trained on (data/trained_sets.py, from the checkpoint's meta or the export); without it, `trained`
  (the checkpoint's data section) or this config says what data.path held out."""
  if data_cfg.source != "array_record":
    return {"clips": f"{data_cfg.source} held-out split", "held_out": True}
  history = history or _this_config_trained(data_cfg, trained)
  if data_cfg.eval_path:
    eval_path = os.path.realpath(data_cfg.eval_path)
    described = {"clips": "data.eval_path", "fingerprint": _fingerprint(eval_path),
                 "records": records.read_manifest(data_cfg.eval_path)["num_examples"]}
    whole = [t["path"] for digest, t in history.items()
             if digest == described["fingerprint"] or os.path.realpath(t["path"]) == eval_path]
    if whole:
      return {**described, "held_out": False,
              "why": f"data.eval_path={data_cfg.eval_path} holds the record set {whole[0]} the weights trained on"}
    return _judged_by_clips(described, data_cfg.eval_path, "data.eval_path", history, None, [data_cfg.path])
  hold = int(data_cfg.holdout_examples or 0)
  described = {"clips": f"the last {hold} records of data.path" if hold else "the training records of data.path",
               "fingerprint": _fingerprint(os.path.realpath(data_cfg.path)),
               "records": hold or records.read_manifest(data_cfg.path)["num_examples"]}
  if described["fingerprint"] not in history:        # a set the weights did not train on as a whole
    return _judged_by_clips({**described, "clips": described["clips"].replace("training records", "records")},
                            data_cfg.path, "data.path", history, hold or None)
  trained_whole = history[described["fingerprint"]]["holdout_examples"]
  if hold and trained_whole >= hold:
    return {**described, "held_out": True}
  why = (f"data.holdout_examples={hold}: the last {hold} records of data.path={data_cfg.path} were not all held out, "
         f"the weights trained with only {trained_whole} held out" if hold else
         f"the eval scores the training records of data.path={data_cfg.path}")
  return {**described, "held_out": False, "why": why}


def _judged_by_clips(described: dict, path: str, field: str, history: dict, last: int | None, candidates=()) -> dict:
  """`described` with held_out judged clip by clip (data/clip_digests.py): true when no clip of the
  set at `path` (its `last` records) has the source video or the latent bytes of a trained clip
  (a re-encoded or edited copy is not seen: `compared` says so), false naming how many do, null
  with why when the digests or the trained sets are not there."""
  shared = clip_digests.clips_trained_on(path, history, candidates, last)
  if isinstance(shared, str):
    return {**described, "held_out": None, "why": f"whether the clips of {field}={path} were trained on cannot be "
                                                  f"told: {shared}"}
  if not shared[0]:
    return {**described, "held_out": True, "compared": "source video files and latents, by sha256 (a near-copy, "
                                                       "such as a lossy re-encode or an edited clip, is not detected)"}
  return {**described, "held_out": False, "clips_also_trained_on": f"{shared[0]} of {shared[1]}",
          "why": (f"{shared[0]} of the {shared[1]} clips of {field}={path} are clips the weights trained on (the "
                  f"same source video, or byte-identical latents, as records of "
                  f"{', '.join(sorted(t['path'] for t in history.values()))})")}


_judged: set = set()        # data sections whose eval was judged against the weights' history


def _section(data_cfg) -> tuple:
  return data_cfg.path, data_cfg.eval_path, data_cfg.holdout_examples


def warn_if_not_held_out(data_cfg, described: dict) -> None:
  """One line, once, when the clips an eval scores are (or may be) clips the weights trained on, as
  `describe` judged them against every set the weights trained on; warn_if_training_records, which
  sees only this config, then says nothing of this data section."""
  _judged.add(_section(data_cfg))
  if described.get("held_out") is not True and described.get("why"):
    unknown = described["held_out"] is None
    remedy = ("prepare the sets again with this version to compare them, or " if "no digests" in described["why"] else
              "give the training set back (at its path or as data.path) to compare, or ")
    _say_once(f"{described['why']}: the report says held_out {'null' if unknown else 'false'}; "
              f"{remedy if unknown else ''}score a set prepared from other videos.")


def warn_if_repeated(path: str, num_records: int, batch_size: int, batch_setting: str = "eval.num_samples") -> None:
  """One line, once: a batch of more clips than the held-out records repeats them (the real clips'
  statistics, and with I3D the FVD reference, count each repeat as another clip). batch_setting:
  the setting that sizes this batch, for the advice."""
  if num_records < batch_size:
    _say_once(f"{path} has {num_records} record(s), fewer than the {batch_size} clips of an eval batch "
              f"({batch_setting}={batch_size}): each is used about {batch_size / num_records:.1f} times; give more "
              f"clips or a smaller {batch_setting}.")


_told: set[str] = set()


def warn_if_training_records(data_cfg) -> None:
  """One line, once per process and set, when the eval batch is drawn from the training records."""
  if _section(data_cfg) in _judged:
    return
  if data_cfg.eval_path and same_as_training(data_cfg):
    message = (f"data.eval_path={data_cfg.eval_path} holds the same records as data.path={data_cfg.path}: the eval "
               f"batch is drawn from the TRAINING records; give a held-out set.")
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
  LABELS_READ evenly spaced training records are, with some label twice (two records, cat then dog, tell nothing)."""
  hold, n = int(data_cfg.holdout_examples), manifest["num_examples"]
  if manifest.get("label_kind") != "class":
    return
  label = lambda i: int(records.decode_example(source[int(i)])["label"])
  spaced = lambda start, stop: np.unique(np.linspace(start, stop - 1, min(stop - start, LABELS_READ)).round())
  origin = str(manifest.get("source", ""))
  from_folder = not origin.endswith((".jsonl", ".csv")) and not origin.startswith("tfds:")
  trained = [label(i) for i in spaced(0, n - hold)]
  if not from_folder and (np.any(np.diff(trained) < 0) or len(set(trained)) == len(trained)):
    return                    # a list in its own order, or too few records to tell: not known to come in blocks
  gone = sorted({label(i) for i in spaced(n - hold, n)} - {label(n - hold - 1)})
  if gone:
    names = manifest.get("class_names") or []
    shown = ", ".join(repr(names[c]) if c < len(names) else str(c) for c in gone[:5])
    _say_once(f"data.holdout_examples={hold} holds out the last {hold} records of {data_cfg.path}, which holds its "
              f"records in class order: class(es) {shown}{' ...' if len(gone) > 5 else ''} are left out of training; "
              f"prepare a held-out set apart and give it as data.eval_path.")


def _say_once(message: str) -> None:
  if message not in _told:
    _told.add(message)
    print(f"warning: {message}", file=sys.stderr, flush=True)
