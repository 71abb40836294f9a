"""Which T5 / UMT5 encoder a local directory holds, by its files rather than its path: a record set's
captions are embedded by one encoder, and a prompt embedded by another (another release of
umt5-xxl at the same path, a fine-tune, another machine's copy) conditions the model unlike them,
without any error. The digest covers every file's name and size and its first and last MiB (the
safetensors header names the tensors, the bytes after it hold them): a few MiB read per file, so a
10 GB encoder is told in well under a second."""
from __future__ import annotations

import hashlib
import os

SAMPLED_BYTES = 1 << 20
KEY = "text_encoder_digest"        # in a record set's manifest (tools/prepare_data.py)


def encoder_digest(path: str) -> str:
  """16 hex digits naming the files of the encoder directory at `path` (hidden files aside)."""
  digest = hashlib.sha256()
  for name in sorted(os.listdir(path)):
    full = os.path.join(path, name)
    if name.startswith(".") or not os.path.isfile(full):
      continue
    size = os.path.getsize(full)
    digest.update(f"{name}\0{size}\0".encode())
    with open(full, "rb") as f:
      digest.update(f.read(SAMPLED_BYTES))
      f.seek(max(0, size - SAMPLED_BYTES))
      digest.update(f.read(SAMPLED_BYTES))
  return digest.hexdigest()[:16]


def check_same_encoder(path: str, manifest: dict | None, where: str) -> None:
  """ValueError (one line) when the encoder at `path` is not the one whose digest the record set's
  manifest keeps; a set prepared before digests (or without a t5 encoder) is not checked."""
  saved = (manifest or {}).get(KEY)
  if saved and os.path.isdir(path) and encoder_digest(path) != saved:
    raise ValueError(f"{where}: the text encoder at {path} (digest {encoder_digest(path)}) is not the one that "
                     f"embedded the training captions (digest {saved}): prompts would be embedded unlike them; "
                     f"point text_encoder.path at that encoder.")
