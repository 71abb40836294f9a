"""Which T5 / UMT5 encoder a local directory holds, by its files rather than its path: a record set's
captions are embedded by one encoder, and a prompt embedded by another (another release of
umt5-xxl at the same path, a fine-tune, another machine's copy) conditions the model unlike them,
without any error. The digest covers the files the encoder loads (its config, weights and tokenizer;
not a README or LICENSE beside them): each one's name and size, its first and last MiB (the
safetensors header names the tensors) and 63 blocks of 64 KiB evenly spaced between them (an edit
inside the tensors), about 6 MiB read per file: a 10 GB encoder is told in well under a second. An
edit that falls between the blocks goes unseen; a fine-tune or another release changes every tensor."""
from __future__ import annotations

import hashlib
import json
import os

SAMPLED_BYTES = 1 << 20         # at each end of a file
SAMPLED_BLOCKS, BLOCK_BYTES = 64, 1 << 16      # and between them: an edit inside the tensors is seen too
KEY = "text_encoder_digest"        # in a record set's manifest (tools/prepare_data.py)
FILES_KEY = "text_encoder_files"    # and {name: digest} of the files that digest covers (file_digests)
# What transformers reads of a T5 / UMT5 directory (AutoConfig, AutoTokenizer, the encoder model).
LOADED_NAMES = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                "added_tokens.json", "spiece.model", "tokenizer.model")
LOADED_ENDINGS = (".safetensors", ".bin", ".index.json")


def is_loaded(name: str) -> bool:
  return name in LOADED_NAMES or name.endswith(LOADED_ENDINGS)


def encoder_digest(path: str, *, with_unread_copies: bool = False) -> str:
  """16 hex digits naming the files the encoder at `path` loads (is_loaded). transformers reads the
  .safetensors weights where they exist, so a PyTorch .bin copy beside them (a full hub download
  brings both) is left out, unless with_unread_copies (the digest record sets kept before)."""
  digest = hashlib.sha256()
  for name in loaded_files(path, with_unread_copies=with_unread_copies):
    _add_sampled_bytes(digest, name, os.path.join(path, name))
  return digest.hexdigest()[:16]


def _add_sampled_bytes(digest, name: str, full: str) -> None:
  size = os.path.getsize(full)
  digest.update(f"{name}\0{size}\0".encode())
  reads = [(0, SAMPLED_BYTES), (max(0, size - SAMPLED_BYTES), SAMPLED_BYTES)]
  reads += [(k * size // SAMPLED_BLOCKS, BLOCK_BYTES) for k in range(1, SAMPLED_BLOCKS)]
  with open(full, "rb") as f:
    for offset, length in reads:
      f.seek(offset)
      digest.update(f.read(length))


def file_digests(path: str) -> dict[str, str]:
  """{name: digest} of each file encoder_digest covers (a record set's manifest keeps them as
  FILES_KEY): a JSON file's by its values (re-saved by an editor, indented or sorted anew, it is the
  same file), any other by its sampled bytes; so a copy lacking, adding or changing a file is named."""
  out = {}
  for name in loaded_files(path):
    full, digest = os.path.join(path, name), hashlib.sha256()
    try:
      if not name.endswith(".json"):       # weights and tokenizer models: never read whole
        raise ValueError(name)
      with open(full, encoding="utf-8") as f:
        digest.update(json.dumps(json.load(f), sort_keys=True).encode())
    except (OSError, ValueError):
      _add_sampled_bytes(digest, name, full)
    out[name] = digest.hexdigest()[:16]
  return out


def loaded_files(path: str, *, with_unread_copies: bool = False) -> list[str]:
  """The names of the files `encoder_digest` covers, sorted (a record set's manifest keeps them as
  FILES_KEY, so that a copy of the encoder lacking one is told from another encoder)."""
  names = sorted(os.listdir(path))
  unread = (".bin", ".bin.index.json") if any(n.endswith(".safetensors") for n in names) else ()
  return [name for name in names if is_loaded(name) and os.path.isfile(os.path.join(path, name)) and
          (with_unread_copies or not name.endswith(unread))]


def files_differ(path: str, manifest: dict | None) -> str | None:
  """' (its folder lacks spiece.model ...)' naming the files the encoder at `path` lacks, adds or holds
  otherwise beside those of the encoder the manifest names (FILES_KEY: {name: digest}, or names only);
  '' when they are the same; None when the manifest keeps no file list."""
  saved = (manifest or {}).get(FILES_KEY)
  if not isinstance(saved, (list, dict)) or not os.path.isdir(path):
    return None
  present = file_digests(path)
  lacks, adds = sorted(set(saved) - set(present)), sorted(set(present) - set(saved))
  other = sorted(n for n in set(saved) & set(present) if isinstance(saved, dict) and saved[n] != present[n])
  parts = [f"{verb} {', '.join(names)}" for verb, names in (("lacks", lacks), ("adds", adds), ("has another", other))
           if names]
  hint = ": a copy cut short?" if lacks else ""
  return f" (its folder {' and '.join(parts)} beside the files of that encoder{hint})" if parts else ""


def check_same_encoder(path: str, manifest: dict | None, where: str, whose: str = "the training captions") -> None:
  """ValueError (one line) when the encoder at `path` is not the one whose digest the record set's
  manifest keeps (`whose` captions it embedded); a set prepared before digests (or without a t5
  encoder) is not checked."""
  saved = (manifest or {}).get(KEY)
  found = encoder_digest(path) if saved and os.path.isdir(path) else saved
  if found != saved and encoder_digest(path, with_unread_copies=True) != saved:
    differ = files_differ(path, manifest)
    if differ == "" and isinstance(manifest.get(FILES_KEY), dict):   # the same files, a JSON one laid out anew
      return
    raise ValueError(f"{where}: the text encoder at {path} (digest {found} of its config, weights and "
                     f"tokenizer files) is not the one that embedded {whose} (digest {saved})"
                     f"{differ or ''}: prompts "
                     f"would be embedded unlike them; point text_encoder.path at that encoder"
                     f"{', or give a set prepared with this one' if whose != 'the training captions' else ''}.")


def check_sets_match_model(model_manifest: dict | None, sets: dict) -> None:
  """ValueError (one line) when a record set the eval reads ({field: its manifest}: data.path,
  data.eval_path) holds captions embedded by another encoder than the model's training captions
  (the manifest the checkpoint or export keeps): the model would be scored on conditions it never
  met. Sets or models from before digests are not checked."""
  saved = (model_manifest or {}).get(KEY)
  for field, manifest in sets.items():
    found = (manifest or {}).get(KEY)
    if saved and found and found != saved:
      raise ValueError(f"{field}: its captions were embedded by another text encoder (digest {found}) than the "
                       f"model's training captions (digest {saved}): it would be scored on conditions it never met; "
                       f"prepare the set with the model's text encoder.")
