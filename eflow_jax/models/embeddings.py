"""Conditioning embeddings: the vector `emb_t(t) + emb_gap(t - s) + emb_w(w) + emb_class(y)`.

Times enter the sinusoidal features raw, in [0, 1] (docs/method.md §0), times `time_scale`. The guidance
scale w gets its own embedding (the paper adds it to the timestep embedding). Class mode has
`num_classes + 1` rows: the last one is the null label used for unconditional passes.
"""
import math
from typing import Any

import flax.linen as nn
import jax.numpy as jnp


def sinusoidal_features(x, num_features: int = 256, max_period: float = 10000.0):
  """(B,) scalars -> (B, num_features) [cos, sin] features over geometric frequencies."""
  half = num_features // 2
  freqs = jnp.exp(-math.log(max_period) * jnp.arange(half, dtype=jnp.float32) / half)
  args = x.astype(jnp.float32)[:, None] * freqs[None]
  return jnp.concatenate([jnp.cos(args), jnp.sin(args)], axis=-1)


class ScalarEmbedding(nn.Module):
  """Sinusoidal features of a scalar followed by a SiLU MLP (DiT's timestep embedder)."""
  hidden: int
  num_features: int = 256
  scale: float = 1.0
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x):
    h = sinusoidal_features(x * self.scale, self.num_features)
    h = nn.Dense(self.hidden, dtype=self.dtype, name="fc1")(h)
    return nn.Dense(self.hidden, dtype=self.dtype, name="fc2")(nn.silu(h))


class Conditioning(nn.Module):
  """Builds the AdaLN conditioning vector c (B, hidden)."""
  hidden: int
  num_classes: int = 0          # 0 = text mode (no class term)
  time_scale: float = 1.0
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, t, s, w, y=None):
    c = ScalarEmbedding(self.hidden, scale=self.time_scale, dtype=self.dtype, name="emb_t")(t)
    c += ScalarEmbedding(self.hidden, scale=self.time_scale, dtype=self.dtype, name="emb_gap")(t - s)
    c += ScalarEmbedding(self.hidden, dtype=self.dtype, name="emb_w")(w)
    if self.num_classes:
      if y is None:
        raise ValueError("class-conditional model called without labels y (use the null label "
                         f"{self.num_classes} for unconditional).")
      table = nn.Embed(self.num_classes + 1, self.hidden, dtype=self.dtype, name="emb_class",
                       embedding_init=nn.initializers.normal(0.02))
      c += table(y)
    return c


class TextProjection(nn.Module):
  """Maps text-encoder embeddings (e.g. UMT5, 4096-d) to the model width, as Wan's text MLP."""
  hidden: int
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, text):
    h = nn.Dense(self.hidden, dtype=self.dtype, name="fc1")(text)
    return nn.Dense(self.hidden, dtype=self.dtype, name="fc2")(nn.gelu(h, approximate=True))
