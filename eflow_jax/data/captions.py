"""Captions of the synthetic Moving MNIST videos and the small built-in encoder that embeds them.

This encoder exists ONLY so that the embedded demo can train a text-conditioned model with nothing
downloaded. It knows the fixed vocabulary of the generated captions ("digit 7 moving up and left",
"digit 3 standing still", several digits joined by "and") and nothing else. Real text-to-video
runs use T5 / UMT5 embeddings precomputed into the ArrayRecord shards (eflow_jax/data/records.py).

Embedding of token k at position p:  E[word_k] + P[p], where E is a fixed random N(0, 1) table of
shape (vocab, text_dim) drawn from a fixed seed (so every run and every process agrees) and P is
the standard sinusoidal position table. Captions are padded to `text_length` with zero vectors
and text_mask = 0; a caption longer than `text_length` is a ValueError, never silently cut.
"""
from __future__ import annotations

import functools

import numpy as np

DIGIT_WORDS = tuple(str(d) for d in range(10))
VOCAB = ("<pad>", "digit", *DIGIT_WORDS, "moving", "up", "down", "left", "right", "and",
         "standing", "still")
WORD_ID = {w: i for i, w in enumerate(VOCAB)}
TABLE_SEED = 20251122          # fixed: the word vectors are part of the format, not of a run


def direction_words(dy: int, dx: int) -> list[str]:
  """Words for an image-space velocity (dy > 0 is down, dx > 0 is right); [] if not moving."""
  words = []
  if dy:
    words.append("up" if dy < 0 else "down")
  if dx:
    words.append("left" if dx < 0 else "right")
  return words


def caption(labels, velocities) -> str:
  """Caption of one video: labels (n,), first moves (n, 2) as (dy, dx) per digit (moving_mnist.first_move)."""
  parts = []
  for label, (dy, dx) in zip(labels, velocities):
    words = direction_words(int(dy), int(dx))
    motion = "moving " + " and ".join(words) if words else "standing still"
    parts.append(f"digit {int(label)} {motion}")
  return " and ".join(parts)


def max_caption_words(num_digits: int) -> int:
  """Longest caption for `num_digits` digits: 'digit d moving up and left' each, joined by 'and'."""
  return 6 * num_digits + (num_digits - 1)


def tokenize(text: str) -> list[int]:
  words = text.split()
  unknown = [w for w in words if w not in WORD_ID or w == "<pad>"]
  if unknown:
    raise ValueError(f"caption words {unknown} are not in the built-in caption vocabulary "
                     f"{VOCAB[1:]}; real prompts need T5 embeddings (records).")
  return [WORD_ID[w] for w in words]


@functools.lru_cache(maxsize=8)
def word_table(text_dim: int) -> np.ndarray:
  table = np.random.default_rng(TABLE_SEED).standard_normal((len(VOCAB), text_dim))
  table = table.astype(np.float32)
  table[WORD_ID["<pad>"]] = 0.0
  table.setflags(write=False)
  return table


@functools.lru_cache(maxsize=8)
def position_table(text_length: int, text_dim: int) -> np.ndarray:
  """Sinusoidal positions (Vaswani et al.): sin on the first half of the dims, cos on the rest."""
  half = (text_dim + 1) // 2
  freqs = np.exp(-np.log(10000.0) * np.arange(half) / max(half, 1))
  angles = np.arange(text_length)[:, None] * freqs[None, :]
  table = np.concatenate([np.sin(angles), np.cos(angles)], axis=1)[:, :text_dim]
  table = np.ascontiguousarray(table, dtype=np.float32)
  table.setflags(write=False)
  return table


def encode(captions, text_dim: int, text_length: int) -> tuple[np.ndarray, np.ndarray]:
  """Captions (list of str) -> text (B, L, text_dim) float32, text_mask (B, L) int32."""
  ids = np.zeros((len(captions), text_length), np.int32)
  for b, text in enumerate(captions):
    tokens = tokenize(text)
    if len(tokens) > text_length:
      raise ValueError(f"caption {text!r} has {len(tokens)} words > data.text_length="
                       f"{text_length}; raise data.text_length.")
    ids[b, :len(tokens)] = tokens
  mask = (ids != WORD_ID["<pad>"]).astype(np.int32)
  emb = word_table(text_dim)[ids] + position_table(text_length, text_dim)[None] * mask[..., None]
  return emb.astype(np.float32), mask


def encode_captions(texts, data_cfg) -> tuple[np.ndarray, np.ndarray]:
  """`encode` with the sizes of a data config (data.text_dim, data.text_length)."""
  return encode(list(texts), int(data_cfg.text_dim), int(data_cfg.text_length))
