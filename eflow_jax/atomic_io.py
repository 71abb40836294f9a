"""Files written so that a reader never sees half of one: the contents go to a temporary name beside
the target (`<path>.tmp<pid>`: processes writing the same file never share one), are flushed to disk,
then renamed over it. A write cut short (an exception, a full disk, a kill) leaves the previous file
as it was, and no temporary file when Python saw the failure. Used for reports, manifests, metric
caches and classifiers (train/evaluate.py, tools/prepare_data.py, data/records.py, metrics/).

Only the standard library is imported here, so any module may use it without an import cycle.
"""
from __future__ import annotations

import contextlib
import json
import os
from typing import Callable, Iterator

# The longest `.tmp<pid>` a temporary name adds (Linux's pid_max is at most 4194304: 7 digits).
TEMP_SUFFIX_MAX = ".tmp" + "0" * 7


@contextlib.contextmanager
def replaced_on_success(path: str) -> Iterator[str]:
  """Yields a temporary path to write `path`'s new contents to (by any writer that takes a file
  name, e.g. ArrayRecordWriter); renames it over `path` if the block succeeds, removes it if not."""
  tmp = f"{path}.tmp{os.getpid()}"
  try:
    yield tmp
    os.replace(tmp, path)
  finally:
    if os.path.exists(tmp):
      os.remove(tmp)


def write_atomically(path: str, data: bytes | str | Callable) -> None:
  """Replaces `path` by `data`: bytes, text (UTF-8), or a function that writes to a binary file
  object (np.savez's); see the module docstring."""
  with replaced_on_success(path) as tmp:
    with open(tmp, "wb") as f:
      if callable(data):
        data(f)
      else:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
      f.flush()
      os.fsync(f.fileno())


def write_json_atomically(path: str, value, **dump_options) -> None:
  """`value` as indented JSON (json.dumps' options, e.g. sort_keys=True), written atomically."""
  write_atomically(path, json.dumps(value, indent=1, **dump_options))


def free_name(base: str, ext: str = "") -> str:
  """`base + ext`, else `base-2 + ext`, `base-3 + ext`...: the first name nothing holds (a link to
  nothing counts), for a file of the user's set aside under another name, never over one set aside
  before it (weights_digest.py, tools/card_mark.py, train/parameters_file.py)."""
  target, k = base + ext, 1
  while os.path.lexists(target):
    k += 1
    target = f"{base}-{k}{ext}"
  return target


def make_parent_folder(path: str) -> None:
  """Creates the folder `path` is written into, as the system resolves `path`: os.path.abspath would
  drop `lnk/..` as text and make another folder than the one the file is then written to."""
  os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
