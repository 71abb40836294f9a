"""Text encoders: prompts -> (embeddings, mask) stored in the records and fed to the model.

Interface (`TextEncoder`):
  text_dim, text_length          embedding width, max tokens (prompts are padded / cut to it)
  encode(prompts) -> (text (N, L, text_dim) float32, text_mask (N, L) int32), L = text_length:
                     real tokens first, then padding rows that are exactly ZERO with mask 0
  null_embedding() -> the embedding of the empty prompt "" (the unconditional / null text)
  trim(text, mask) -> per-prompt (n_i, text_dim) arrays (what a record stores: n <= text_length)

Kinds (`from_config` / `build`):
  builtin   the fixed-vocabulary caption encoder of the synthetic demo (data/captions.py)
  t5        a T5 / UMT5 encoder (Wan 2.1 uses UMT5-XXL, 4096 wide, 512 tokens) run through
            `transformers` + PyTorch from a LOCAL directory the user gives (config.json, weights,
            tokenizer files); nothing is downloaded (local_files_only). As in Wan, the hidden states
            of padding positions are zeroed, and prompts longer than text_length are truncated to
            text_length tokens (the EOS token is kept) with a warning.
"""
from __future__ import annotations

import abc
import os
import sys
from typing import Mapping, Sequence

from absl import logging
import numpy as np

from eflow_jax import sample_limits
from eflow_jax.text import encoder_identity

KINDS = ("builtin", "t5")
T5_DTYPES = ("float32", "bfloat16", "float16")


class TextEncoder(abc.ABC):
  name = "base"
  text_dim: int
  text_length: int

  @abc.abstractmethod
  def encode(self, prompts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Prompts -> (text (B, L, D) zero-padded, mask (B, L) int32)."""

  def check_captions_kept_apart(self, captions: Sequence[str]) -> None:
    """Raises ValueError (one line) when two different captions become one text at text_length
    tokens (T5TextEncoder); an encoder that truncates nothing keeps them apart."""

  def null_embedding(self) -> tuple[np.ndarray, np.ndarray]:
    """(text (L, D), mask (L,)) of the empty prompt."""
    text, mask = self.encode([""])
    return text[0], mask[0]

  @staticmethod
  def trim(text: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    """Per prompt, the rows of real tokens (mask must be a prefix of ones)."""
    out = []
    for t, m in zip(np.asarray(text), np.asarray(mask)):
      n = int(m.sum())
      if not np.all(m[:n] == 1):
        raise ValueError("text_mask is not a prefix of ones; cannot trim padding.")
      out.append(np.ascontiguousarray(t[:n]))
    return out


def _check_prompts(prompts) -> list[str]:
  if isinstance(prompts, str) or not all(isinstance(p, str) for p in prompts):
    raise ValueError("prompts must be a list of strings.")
  return list(prompts)


class BuiltinCaptionEncoder(TextEncoder):
  """The synthetic-caption encoder (demo only; knows only the Moving MNIST caption words)."""
  name = "builtin"

  def __init__(self, text_dim: int, text_length: int):
    if text_dim < 1 or text_length < 1:
      raise ValueError(f"text_dim={text_dim}, text_length={text_length} must be >= 1.")
    self.text_dim, self.text_length = int(text_dim), int(text_length)

  def encode(self, prompts):
    from eflow_jax.data import captions  # pylint: disable=g-import-not-at-top
    return captions.encode(_check_prompts(prompts), self.text_dim, self.text_length)


class T5TextEncoder(TextEncoder):
  """T5 / UMT5 encoder hidden states via transformers (PyTorch, CPU or CUDA), from a local path."""
  name = "t5"

  def __init__(self, path: str, text_length: int = 512, *, dtype: str = "float32",
               device: str = "cpu", batch_size: int = 8):
    if not path or not os.path.isdir(path):
      raise ValueError(f"text encoder path {path!r} is not a local directory (config.json, "
                       "weights and tokenizer files of a T5/UMT5 model; nothing is downloaded).")
    lacking = t5_files_missing(path)
    if lacking:
      raise ValueError(f"text encoder path {path!r} holds no {' and no '.join(lacking)}: not a T5/UMT5 model "
                       f"directory (nothing is downloaded).")
    if text_length < 1 or batch_size < 1:
      raise ValueError(f"text_length={text_length} must be >= 1." if text_length < 1 else
                       f"batch_size={batch_size} must be >= 1.")
    try:
      import torch  # pylint: disable=g-import-not-at-top
      import transformers  # pylint: disable=g-import-not-at-top
    except ImportError as e:
      raise ValueError(f"the t5 text encoder needs torch and transformers ({e}); pip install "
                       "torch==2.13.0 transformers sentencepiece.") from None
    self._torch = torch
    config = transformers.AutoConfig.from_pretrained(path, local_files_only=True)
    classes = {"umt5": transformers.UMT5EncoderModel, "t5": transformers.T5EncoderModel}
    if config.model_type not in classes:
      raise ValueError(f"{path}: model_type {config.model_type!r}; expected one of {list(classes)}.")
    if dtype not in T5_DTYPES:
      raise ValueError(f"dtype={dtype!r}; use one of {', '.join(T5_DTYPES)}.")
    check_attention_memory(text_length, batch_size, int(config.num_heads))
    torch_dtype = getattr(torch, dtype)
    self.tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    self.model = classes[config.model_type].from_pretrained(
        path, local_files_only=True, dtype=torch_dtype).to(device).eval()
    self.device, self.batch_size = device, int(batch_size)
    self.text_dim, self.text_length = int(config.d_model), int(text_length)
    self.digest = encoder_identity.encoder_digest(path)     # what a record set's manifest keeps of it
    self.files = encoder_identity.file_digests(path)

  def tokenize(self, prompts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(ids (N, L) int64, mask (N, L) int32): padded to text_length, longer prompts truncated."""
    prompts = _check_prompts(prompts)
    full = self.tokenizer(prompts, add_special_tokens=True)["input_ids"]
    long = [len(ids) for ids in full if len(ids) > self.text_length]
    if long:
      logging.warning("%d prompt(s) longer than text_length=%d tokens (up to %d) are truncated.",
                      len(long), self.text_length, max(long))
    tok = self.tokenizer(prompts, padding="max_length", max_length=self.text_length,
                         truncation=True, add_special_tokens=True, return_attention_mask=True,
                         return_tensors="np")
    return tok["input_ids"].astype(np.int64), tok["attention_mask"].astype(np.int32)

  def check_captions_kept_apart(self, captions):
    """A set prepared at --text_length=1 embedded every caption as its first token, one text for all,
    with only the generic truncation warning: two captions whose tokens differ only past text_length
    are refused, naming them and the length that tells them apart. Captions the tokenizer reads as the
    same tokens at any length are warned of (one line): no text_length tells them apart; captions that
    differ only in spacing are meant as one text (no warning)."""
    captions = sorted(set(_check_prompts(captions)))
    full = self.tokenizer(captions, add_special_tokens=True)["input_ids"]
    cut = self.tokenizer(captions, max_length=self.text_length, truncation=True, add_special_tokens=True)["input_ids"]
    first, alike = {}, []
    for caption, ids, kept in zip(captions, full, cut):
      other, other_ids = first.setdefault(tuple(kept), (caption, ids))
      if list(other_ids) != list(ids):
        apart = next(i for i, (a, b) in enumerate(zip(other_ids + [None], ids + [None])) if a != b)
        raise ValueError(f"captions {other!r} and {caption!r} are one text at text_length={self.text_length} tokens "
                         f"(their tokens differ from token {apart + 1} on): set text_length to at least {apart + 2}.")
      if " ".join(other.split()) != " ".join(caption.split()):    # spacing alone is meant to be one text
        alike.append((other, caption))            # the same tokens in full: what the vocabulary cannot tell apart
    if alike:
      print(f"warning: {len(alike)} caption(s) are the same tokens as another for this tokenizer (characters outside "
            f"its vocabulary read as one unknown token, or case or accents its normaliser drops), e.g. "
            f"{alike[0][0]!r} and {alike[0][1]!r}: each such group trains as one text.", file=sys.stderr, flush=True)

  def encode(self, prompts):
    torch = self._torch
    ids, mask = self.tokenize(prompts)
    out = np.zeros((len(ids), self.text_length, self.text_dim), np.float32)
    with torch.no_grad():
      for i in range(0, len(ids), self.batch_size):
        t_ids = torch.from_numpy(ids[i:i + self.batch_size]).to(self.device)
        t_mask = torch.from_numpy(mask[i:i + self.batch_size]).long().to(self.device)
        hidden = self.model(input_ids=t_ids, attention_mask=t_mask).last_hidden_state
        out[i:i + self.batch_size] = hidden.float().cpu().numpy()
    out *= mask[..., None]                           # Wan zeroes the padding positions
    return out, mask


def check_attention_memory(text_length: int, batch_size: int, num_heads: int, free: int | None = None) -> None:
  """Captions are padded to text_length tokens, and T5's attention holds (batch + 1 for its position
  bias) x heads x text_length^2 float32 scores: a text_length of 100000 (a typo of 100) asked torch
  for 40 GB and ended in its traceback. Refused first (ValueError, one line) past half the free RAM."""
  need = (batch_size + 1) * num_heads * text_length ** 2 * 4
  free = sample_limits.available_memory() if free is None else free
  if free and need > free / 2:
    raise ValueError(f"text_length={text_length}: the text encoder's attention over that many tokens needs about "
                     f"{need / 2**30:.1f} GiB ({batch_size} captions at once, {num_heads} heads), "
                     f"{free / 2**30:.1f} GiB is free; captions are padded to text_length: use the length the model "
                     f"trains with (Wan 2.1: 512).")


def build(kind: str, *, path: str = "", text_dim: int = 0, text_length: int = 512,
          dtype: str = "float32", device: str = "cpu", batch_size: int = 8) -> TextEncoder:
  if kind == "builtin":
    return BuiltinCaptionEncoder(text_dim, text_length)
  if kind == "t5":
    enc = T5TextEncoder(path, text_length, dtype=dtype, device=device, batch_size=batch_size)
    if text_dim and text_dim != enc.text_dim:
      raise ValueError(f"{path}: d_model={enc.text_dim} but text_dim={text_dim} was asked for.")
    return enc
  raise ValueError(f"text encoder kind {kind!r}; use one of {KINDS}.")


T5_FILES = {"config.json": ("config.json",),
            "weights (*.safetensors, *.bin)": (".safetensors", ".bin", ".safetensors.index.json", ".bin.index.json"),
            "tokenizer (tokenizer.json, spiece.model)": ("tokenizer.json", "spiece.model", "tokenizer.model")}


def t5_files_missing(path: str) -> list[str]:
  """What a T5 directory lacks of T5_FILES: checked before training, where transformers would fail
  only when the first prompt is embedded (the end-of-run samples), naming no file."""
  names = os.listdir(path)
  def has(name, pattern):           # '.x': any name ending so; else that exact name
    return name.endswith(pattern) if pattern.startswith(".") else name == pattern
  return [what for what, patterns in T5_FILES.items() if not any(has(n, p) for n in names for p in patterns)]


def _kind_of(te: Mapping) -> str:
  return te.get("kind") or ("t5" if te.get("path") else "builtin")


def check_config(config, data_encoder: str | None) -> None:
  """One-line ValueError for a `config.text_encoder` that sampling would refuse, or that would embed
  prompts unlike the captions the model trains on (`data_encoder`: the encoder of the training data,
  None when unknown). Checked before training: a text run samples only at its end or every N steps."""
  te = dict(config.get("text_encoder") or {})
  kind = te.get("kind", "")
  if kind not in ("", *KINDS):
    raise ValueError(f"text_encoder.kind={kind!r} is unknown; use one of {', '.join(KINDS)} ('' = t5 when "
                     f"text_encoder.path is set, else builtin).")
  kind = _kind_of(te)
  if kind == "t5":
    if te.get("dtype", "float32") not in T5_DTYPES:
      raise ValueError(f"text_encoder.dtype={te['dtype']!r} is unknown; use one of {', '.join(T5_DTYPES)}.")
    if not te.get("path") or not os.path.isdir(te["path"]):
      raise ValueError(f"text_encoder.path={te.get('path', '')!r} is not a local directory: the t5 encoder "
                       "needs one (config.json, weights and tokenizer files; nothing is downloaded).")
  if data_encoder and data_encoder != kind:
    raise ValueError(f"the training captions were embedded by the {data_encoder!r} text encoder but "
                     f"config.text_encoder is {kind!r}: prompts would be embedded unlike them at sample "
                     f"time; set text_encoder.kind={data_encoder}" + (" and text_encoder.path." if data_encoder == "t5"
                                                                        else "."))
  lacking = t5_files_missing(te["path"]) if kind == "t5" else []
  if lacking:
    raise ValueError(f"text_encoder.path={te['path']!r} holds no {' and no '.join(lacking)}: not a T5/UMT5 "
                     f"model directory (nothing is downloaded); point it at one.")


def from_config(config, manifest: Mapping | None = None) -> TextEncoder:
  """`config.text_encoder` (kind, path, dtype, device) with data.text_dim / data.text_length; with the
  training set's `manifest`, a t5 encoder other than the one that embedded its captions is refused."""
  te = config.get("text_encoder") if hasattr(config, "get") else None
  te = dict(te or {}) if not isinstance(te, Mapping) else dict(te)
  data = config.data
  kind = _kind_of(te)
  if kind == "t5":
    encoder_identity.check_same_encoder(te.get("path", ""), manifest, "text_encoder.path")
  return build(kind, path=te.get("path", ""), text_dim=int(data.text_dim),
               text_length=int(data.text_length), dtype=te.get("dtype", "float32"),
               device=te.get("device", "cpu"))
