"""The video files a finished shard of prepare_data was encoded from, by stat and sha256, so that a
rerun notices a video replaced under the same name (preparation.json digests only the paths and
labels: tools/preparation_record.py) and encodes that shard again instead of keeping the old clips.
"""
from __future__ import annotations

import hashlib
import os
import sys


def _stat_key(path: str) -> list[int]:
  # ctime cannot be set by hand (touch -d sets only atime / mtime): a replaced file always differs here.
  st = os.stat(path)
  return [st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _sha256(path: str) -> str:
  with open(path, "rb") as f:
    return hashlib.file_digest(f, "sha256").hexdigest()


def describe(chunk) -> list:
  """[size, mtime_ns, ctime_ns, sha256] of each entry's video file (None: a TFDS example, which has
  no file, or a file that cannot be read)."""
  out = []
  for entry in chunk:
    try:
      out.append(None if "read" in entry else _stat_key(entry["video"]) + [_sha256(entry["video"])])
    except OSError:
      out.append(None)
  return out


def changed_videos(chunk, recorded: list) -> list[str]:
  """The videos of `chunk` that are not the files `recorded` (describe's list) describes: the stat
  first, the contents when it differs (a copy of the same file is not a change)."""
  changed = []
  for entry, was in zip(chunk, recorded):
    if "read" in entry:
      continue
    try:
      now = _stat_key(entry["video"])
      if was is None or now[0] != was[0] or (now != was[:3] and _sha256(entry["video"]) != was[3]):
        changed.append(entry["video"])
    except OSError:
      if was is not None:
        changed.append(entry["video"])
  return changed


def stale_shards(entries, shard_size: int, finished: dict) -> list[int]:
  """The shards among `finished` ({shard: its sidecar}) one of whose videos changed since it was
  written (one warning line each: they are encoded again); a sidecar written before the digests
  existed cannot be checked (one warning for all of them)."""
  stale, unchecked = [], []
  for shard, info in sorted(finished.items()):
    if "inputs" not in info:
      unchecked.append(shard)
      continue
    changed = changed_videos(entries[shard * shard_size:(shard + 1) * shard_size], info["inputs"])
    if changed and len(stale) < 3:
      print(f"prepare_data: warning: shard {shard} was encoded from other contents of {changed[0]}"
            f"{f' and {len(changed) - 1} more' if len(changed) > 1 else ''} (replaced since); encoding it again.",
            file=sys.stderr, flush=True)
    stale += [shard] if changed else []
  if len(stale) > 3:
    print(f"prepare_data: warning: {len(stale) - 3} more shards were encoded from videos replaced since "
          f"({len(stale)} of {len(finished)} finished shards); encoding them again.", file=sys.stderr, flush=True)
  if unchecked:
    print(f"prepare_data: warning: finished shards {unchecked[:4]}{' ...' if len(unchecked) > 4 else ''} were written "
          f"by an older version, which kept no digest of their videos: a video replaced since is not noticed.",
          file=sys.stderr, flush=True)
  return stale


def check_other_processes_read_the_same(output: str, entries, shard_size: int, infos: list, mine) -> None:
  """Before the manifest joins the shards of every process: ValueError (one line) if a shard another
  process wrote was encoded from other contents of a video than this process reads (a host with a
  stale copy of the input), since the set would be one of two inputs. Sizes first, contents only
  where the stat differs (a shared file system keeps the stat; a copy costs one read of each video)."""
  for shard, info in enumerate(infos):
    if shard in mine or "inputs" not in info:
      continue
    changed = changed_videos(entries[shard * shard_size:(shard + 1) * shard_size], info["inputs"])
    if changed:
      raise ValueError(f"--output={output}: shard {shard}, written by another process, was encoded from other "
                       f"contents of {changed[0]} than this process reads: the processes read different copies of "
                       f"the input, so no manifest was written; give every process the same files, then rerun the "
                       f"process(es) with the old copy (a shard whose video changed is encoded again).")
