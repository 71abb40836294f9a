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
import os

SAMPLED_BYTES = 1 << 20         # at each end of a file
SAMPLED_BLOCKS, BLOCK_BYTES = 64, 1 << 16      # and between them: an edit inside the tensors is seen too
KEY = "text_encoder_digest"        # in a record set's manifest (tools/prepare_data.py)
FILES_KEY = "text_encoder_files"    # and the names of the files that digest covers (loaded_files)
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
    full = os.path.join(path, name)
    size = os.path.getsize(full)
    digest.update(f"{name}\0{size}\0".encode())
    reads = [(0, SAMPLED_BYTES), (max(0, size - SAMPLED_BYTES), SAMPLED_BYTES)]
    reads += [(k * size // SAMPLED_BLOCKS, BLOCK_BYTES) for k in range(1, SAMPLED_BLOCKS)]
    with open(full, "rb") as f:
      for offset, length in reads:
        f.seek(offset)
        digest.update(f.read(length))
  return digest.hexdigest()[:16]


def loaded_files(path: str, *, with_unread_copies: bool = False) -> list[str]:
  """The names of the files `encoder_digest` covers, sorted (a record set's manifest keeps them as
  FILES_KEY, so that a copy of the encoder lacking one is told from another encoder)."""
  names = sorted(os.listdir(path))
  unread = (".bin", ".bin.index.json") if any(n.endswith(".safetensors") for n in names) else ()
  return [name for name in names if is_loaded(name) and os.path.isfile(os.path.join(path, name)) and
          (with_unread_copies or not name.endswith(unread))]


def files_differ(path: str, manifest: dict | None) -> str:
  """' (its folder lacks spiece.model, ...)' when the encoder at `path` lacks or adds files beside those
  of the encoder the manifest names (FILES_KEY); '' when they are the same or not known."""
  saved = (manifest or {}).get(FILES_KEY)
  if not isinstance(saved, list) or not os.path.isdir(path):
    return ""
  present = loaded_files(path)
  lacks, adds = sorted(set(saved) - set(present)), sorted(set(present) - set(saved))
  parts = ([f"lacks {', '.join(lacks)}"] if lacks else []) + ([f"adds {', '.join(adds)}"] if adds else [])
  return f" (its folder {' and '.join(parts)} beside the files of that encoder: a copy cut short?)" if parts else ""


def check_same_encoder(path: str, manifest: dict | None, where: str, whose: str = "the training captions") -> None:
  """ValueError (one line) when the encoder at `path` is not the one whose digest the record set's
  manifest keeps (`whose` captions it embedded); a set prepared before digests (or without a t5
  encoder) is not checked."""
  saved = (manifest or {}).get(KEY)
  found = encoder_digest(path) if saved and os.path.isdir(path) else saved
  if found != saved and encoder_digest(path, with_unread_copies=True) != saved:
    raise ValueError(f"{where}: the text encoder at {path} (digest {found} of its config, weights and "
                     f"tokenizer files) is not the one that embedded {whose} (digest {saved})"
                     f"{files_differ(path, manifest)}: prompts "
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
