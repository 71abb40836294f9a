"""Why an export's model.safetensors cannot be read, in words that lead to the fix: the common case
is a model repository cloned without Git LFS, which leaves a small text pointer where the weights
should be, and the safetensors reader then reports only a 'header too large'."""
from __future__ import annotations

import os

LFS_POINTER = b"version https://git-lfs.github.com/spec/"


def unreadable_weights(path: str, error_line: str) -> str:
  """One line for an unreadable weights file: a Git LFS pointer named as such, else the reader's error."""
  try:
    with open(path, "rb") as f:
      head = f.read(len(LFS_POINTER))
  except OSError:
    head = b""
  if head == LFS_POINTER:
    return (f"{path} is a Git LFS pointer ({os.path.getsize(path)} bytes), not the weights: the repository was "
            f"cloned without Git LFS; run 'git lfs pull' in {os.path.dirname(os.path.abspath(path))}.")
  return f"{path} is unreadable ({error_line}); export the run again."
