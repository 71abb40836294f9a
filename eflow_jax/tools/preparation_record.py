"""What a prepared record set was made from, so that a rerun of prepare_data into the same --output
finishes that set and never mixes it with another one (other videos, labels or options)."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys

from eflow_jax.atomic_io import write_json_atomically
from eflow_jax.checkpoint_compat import flatten_config
from eflow_jax.folder_lock import locked
from eflow_jax.data import clip_digests, records

PREPARATION = "preparation.json"    # the inputs and options of the set (`preparation_record`)
SIDECAR = "shard-{:05d}.json"       # a finished shard's record count, file and bad videos (tools/prepare_data.py)

# Options of a record set that do not change its records (where its pieces are read from or cached).
NEUTRAL_OPTIONS = ("source", "cache_dir")


def holds_a_record_set(output: str, names: list[str]) -> bool:
  """Whether a folder of these file names holds (part of) a record set prepare_data wrote: its
  preparation.json, a shard's sidecar, or a manifest.json that is one (a user's file of that name
  was written over)."""
  if any(n == PREPARATION or re.fullmatch(r"shard-\d{5}\.json", n) for n in names):
    return True
  try:
    with open(os.path.join(output, records.MANIFEST), encoding="utf-8") as f:
      manifest = json.load(f)
  except (OSError, ValueError):
    return False
  return isinstance(manifest, dict) and {"format", "shards", "num_examples"} <= manifest.keys()


def preparation_record(input_path: str, entries, fields: dict, **options) -> dict:
  """What a record set is made of: a digest of its input list (each video's path relative to the
  input, with its label or caption) and every option that shapes its records."""
  root = input_path if os.path.isdir(input_path) else os.path.dirname(os.path.abspath(input_path))
  # A TFDS example (it has its own reader) is named by spec and index, a file by its path under the input.
  listing = [[e["video"] if "read" in e else os.path.relpath(os.path.abspath(e["video"]), os.path.abspath(root)),
              e.get("label", e.get("caption"))] for e in entries]
  digest = hashlib.sha256(json.dumps(listing).encode()).hexdigest()
  settings = {k: v for k, v in fields.items() if k not in NEUTRAL_OPTIONS}
  if isinstance(settings.get("autoencoder_config"), dict):
    settings["autoencoder_config"] = {k: v for k, v in settings["autoencoder_config"].items()
                                      if k not in NEUTRAL_OPTIONS}
  return {"videos": len(entries), "videos_sha256": digest,
          "options": json.loads(json.dumps({**settings, **options}, default=str))}


def check_same_preparation(output: str, record: dict, num_shards: int, shard_size: int, num_entries: int) -> None:
  """A rerun into `output` must be the same preparation: ValueError (one line, naming what
  changed) if the recorded inputs or options differ. An output prepared before the record existed
  is checked by what it has (manifest geometry, each shard's entry range), with a warning."""
  how = (f"rerun with the same inputs and options to finish it, or prepare the changed set in a new --output "
         f"(nothing was written)")
  before = recorded(output)
  if before is not None:
    changes = []
    if before.get("videos_sha256") != record["videos_sha256"]:
      changes.append(f"the input list ({before.get('videos')} videos then, {record['videos']} now"
                     f"{'' if before.get('videos') != record['videos'] else ', other paths, labels or captions'})")
    old, new = flatten_config(before.get("options", {})), flatten_config(record["options"])
    changes += [f"{k}: {old.get(k, '<unset>')!r} then, {new.get(k, '<unset>')!r} now"
                for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    if changes and cleared_if_prepared_nothing(output):
      print(f"prepare_data: warning: {output}: the earlier attempt ({'; '.join(changes[:2])}) prepared no clip; "
            f"starting it again with these inputs and options.", file=sys.stderr, flush=True)
      return
    if changes:
      raise ValueError(f"--output={output} was prepared from other inputs or options ({'; '.join(changes[:4])}"
                       f"{'; ...' if len(changes) > 4 else ''}); {how}.")
    return
  if not os.path.isdir(output):
    return
  legacy = sorted(n for n in os.listdir(output) if n == records.MANIFEST or re.fullmatch(r"shard-\d{5}\.json", n))
  if not legacy:
    return
  changes = []
  if records.MANIFEST in legacy:
    with open(os.path.join(output, records.MANIFEST)) as f:
      manifest = json.load(f)
    options = record["options"]
    changes += [f"{k}: {manifest[k]!r} then, {options.get(k)!r} now" for k in
                ("frames", "height", "width", "frame_stride", "label_kind", "num_classes", "class_names",
                 "text_length", "autoencoder") if k in manifest and manifest[k] != options.get(k)]
  for name in legacy:
    if name != records.MANIFEST:
      shard = int(name[6:11])
      with open(os.path.join(output, name)) as f:
        entry_range = json.load(f).get("entries")
      want = [shard * shard_size, min((shard + 1) * shard_size, num_entries)]
      if shard >= num_shards or (entry_range is not None and list(entry_range) != want):
        changes.append(f"shard {shard} holds entries {entry_range}, this input list and --shard_size give {want}")
        break
  if changes:
    raise ValueError(f"--output={output} was prepared from other inputs or options ({'; '.join(changes[:4])}); "
                     f"{how}.")
  print(f"prepare_data: warning: {output} was prepared by an older version, which kept no record of its inputs; "
        f"only its geometry and shard ranges could be checked, and the current inputs are recorded from now on.",
        file=sys.stderr, flush=True)


def cleared_if_prepared_nothing(output: str) -> bool:
  """Whether `output` holds no clip: no manifest, and every finished shard empty (each of its videos
  was skipped, e.g. all shorter than --frames). Its empty shards' sidecars are removed: under other
  options those shards are to be encoded, not skipped as finished."""
  sidecars = [n for n in os.listdir(output) if re.fullmatch(r"shard-\d{5}\.json", n)]
  if os.path.exists(os.path.join(output, records.MANIFEST)):
    return False
  for name in sidecars:
    try:
      with open(os.path.join(output, name)) as f:
        if json.load(f).get("num_examples", 1):
          return False
    except (OSError, ValueError, AttributeError):
      return False
  for name in sidecars:
    os.remove(os.path.join(output, name))
  return True


def recorded(output: str) -> dict | None:
  """The preparation record `output` holds, or None."""
  path = os.path.join(output, PREPARATION)
  if not os.path.exists(path):
    return None
  with open(path) as f:
    return json.load(f)


@contextlib.contextmanager
def claimed_output(output: str, record: dict, num_shards: int, shard_size: int, num_entries: int, *, alone: bool):
  """check_same_preparation, then `record` written as the output's preparation.json, under a lock on
  the folder (folder_lock.py): checked apart, two runs started at once both passed. alone (one
  process prepares the set): the lock is held for the whole block and a second run meanwhile is
  refused in one line (two sets' shards would interleave); the processes of one preparation
  (--process_count > 1) write at once and hold it only for the check."""
  os.makedirs(output, exist_ok=True)
  busy = (f"--output={output}: another prepare_data is writing this record set now; wait for it to end, or "
          f"prepare into another --output.")
  with contextlib.ExitStack() as lock:
    lock.enter_context(locked(output, busy=busy if alone else None))
    check_same_preparation(output, record, num_shards, shard_size, num_entries)
    if recorded(output) != record:        # a finished set on a read-only disk is read, never rewritten
      write_json_atomically(os.path.join(output, PREPARATION), record)   # a reader never sees half a file
    if not alone:
      lock.close()                          # the other processes of this preparation write beside us
    yield


def sidecars_carry_digests(output: str) -> bool:
  """Whether any shard sidecar in `output` names its latents' digests: a set written since digests
  exist, where a sidecar without them was edited (a stale or swapped shard would pass unread)."""
  for name in sorted(os.listdir(output)) if os.path.isdir(output) else []:
    if re.fullmatch(r"shard-\d{5}\.json", name):
      try:
        with open(os.path.join(output, name), encoding="utf-8") as f:
          if isinstance(json.load(f).get("latents_sha256"), list):
            return True
      except (OSError, ValueError, AttributeError):      # a damaged sidecar is judged by finished_shard
        continue
  return False


def finished_shard(output: str, s: int, read_records: bool = True, digests_expected: bool = False) -> dict | None:
  """Shard `s`'s sidecar when the shard is finished: the sidecar there and its ArrayRecord file whole
  (records.check_shard_file) and, with `read_records`, holding the latents its sidecar's digests name
  (`digests_expected`: a sidecar without digests is not taken as one from before them).
  A shard truncated or damaged since is prepared again, with one line: a rerun that skipped it left a
  set that every reader refuses, telling the user to re-prepare it. (The manifest's final check of
  shards just written reads only their index: a second pass over every record would double the I/O.)"""
  path = os.path.join(output, SIDECAR.format(s))
  if not os.path.exists(path):
    return None
  try:
    with open(path, encoding="utf-8") as f:
      info = json.load(f)
    _check_sidecar(output, path, info, records.SHARD_PATTERN.format(s))
    if info["num_examples"]:
      records.check_shard_file(os.path.join(output, info["file"]), info["num_examples"], os.path.basename(path))
      if read_records:
        _check_latents(os.path.join(output, info["file"]), info.get("latents_sha256"), digests_expected)
  except (OSError, ValueError) as e:                    # RecordsError, a sidecar cut short or edited
    what = str(e).split("; re-prepare")[0] if isinstance(e, records.RecordsError) else f"{path}: {e}"
    print(f"prepare_data: shard {s} is prepared again: {what}.", file=sys.stderr, flush=True)
    return None
  return info


def _check_sidecar(output: str, path: str, info, own_file: str) -> None:
  """A sidecar as _write_shard writes it: its own shard's file name (another name put a file outside
  the set into the manifest), a record count that is a whole number, as many latent digests, and no
  shard file beside a count of 0 (an edited count would drop the file's records from the manifest)."""
  count = info.get("num_examples") if isinstance(info, dict) else None
  if not isinstance(count, int) or isinstance(count, bool) or count < 0:
    raise ValueError(f"not a shard's record (num_examples={count!r})")
  if info.get("file") != own_file:
    raise ValueError(f"it names the file {info.get('file')!r}, not {own_file}")
  digests = info.get("latents_sha256")
  if isinstance(digests, list) and len(digests) != count:
    raise ValueError(f"it counts {count} records but names {len(digests)} latents")
  if count == 0 and os.path.exists(os.path.join(output, info["file"])):
    raise ValueError(f"it counts no records, but {info['file']} is there")


def _check_latents(file: str, digests, expected: bool) -> None:
  """Each record's latent against the sha256 its sidecar keeps (a byte changed inside a record passes
  the file's index check); a sidecar from before the digests is taken as it is unless `expected`."""
  if not isinstance(digests, list) and expected:
    raise ValueError("its latents_sha256 is gone while the set's other sidecars keep theirs (edited since)")
  if not digests:
    return
  from array_record.python.array_record_module import ArrayRecordReader  # pylint: disable=g-import-not-at-top
  reader = ArrayRecordReader(file)
  try:
    for k, (data, digest) in enumerate(zip(reader.read_all(), digests)):
      try:
        same = clip_digests.latent_digest(records.decode_example(data)["latent"]) == digest
      except Exception:  # pylint: disable=broad-except   (a damaged record fails to decode in many ways)
        same = False
      if not same:
        raise records.RecordsError(f"{file}: record {k} and its sidecar's digest disagree (the record or the "
                                   f"sidecar changed or damaged since it was written)")
  finally:
    reader.close()

