"""The Wan-style transformer block with AdaLN modulation, and the Sana-Video Mix-FFN baseline.

Block: x += g1 * SelfAttn(mod(LN(x), c)); [x += CrossAttn(LN(x), text)]; x += g2 * FFN(mod(LN(x), c)).
The six modulation vectors (shift, scale, gate for attention and FFN) come from the conditioning
vector. `adaln='per_block'` (DiT's adaLN-Zero, the paper's AdaLN reference [31]): a zero-initialised
linear layer per block. `adaln='shared'` (Wan 2.1): one projection shared by all blocks, computed
by the caller, plus a learned per-block offset. Both start every block as the identity. The FFN is pointwise, so the block is defined on any subset of tokens; only the Sana
baseline's Mix-FFN needs the dense grid (it scatters kept tokens into a zero grid to convolve).
"""
from typing import Any

import flax.linen as nn
import jax.numpy as jnp

from eflow_jax.models.attention import AttentionSpec, CrossAttention, TokenLayout, make_self_attention
from eflow_jax.models.token_drop import gather_tokens, scatter_tokens


def modulate(x, shift, scale):
  return x * (1.0 + scale[:, None]) + shift[:, None]


def layer_norm(x, dtype):
  return nn.LayerNorm(epsilon=1e-6, use_scale=False, use_bias=False, dtype=dtype)(x)


class MLP(nn.Module):
  hidden: int
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x, tokens: TokenLayout):
    h = nn.gelu(nn.Dense(self.hidden, dtype=self.dtype, name="fc1")(x), approximate=True)
    return nn.Dense(x.shape[-1], dtype=self.dtype, name="fc2")(h)


class DepthwiseConv(nn.Module):
  """Per-channel 'SAME' convolution over (T, H, W) with an odd kernel, as a sum of shifted copies.

  The parameters are nn.Conv(C, kernel_size, padding='SAME', feature_group_count=C)'s (kernel
  (kt, kh, kw, 1, C), bias (C,), same names and init). XLA's CPU grouped convolution took 20x
  longer forward + backward on the demo's Mix-FFN grid (2.05 s vs 0.10 s) and held the Sana rows of
  the ablation sweep under 0.03 steps/s (0.5 with this); a few shifted multiply-adds are all it needs.
  """
  kernel_size: tuple
  kernel_init: Any = nn.initializers.lecun_normal()
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x):
    """x: (B, T, H, W, C)."""
    if any(k % 2 == 0 for k in self.kernel_size):
      raise ValueError(f"DepthwiseConv wants odd kernel sizes, got {self.kernel_size}.")
    channels = x.shape[-1]
    kernel = self.param("kernel", self.kernel_init, (*self.kernel_size, 1, channels), jnp.float32)
    bias = self.param("bias", nn.initializers.zeros, (channels,), jnp.float32)
    x, kernel, bias = nn.dtypes.promote_dtype(x, kernel, bias, dtype=self.dtype)
    half = [k // 2 for k in self.kernel_size]
    padded = jnp.pad(x, [(0, 0)] + [(h, h) for h in half] + [(0, 0)])
    T, H, W = x.shape[1:4]
    out = bias
    for t in range(self.kernel_size[0]):
      for i in range(self.kernel_size[1]):
        for j in range(self.kernel_size[2]):
          out = out + padded[:, t:t + T, i:i + H, j:j + W, :] * kernel[t, i, j, 0]
    return out


class MixFFN(nn.Module):
  """Sana-Video Mix-FFN: expand, 3x3 depthwise spatial conv, GLU, depthwise temporal conv, project.

  Convolutions need a dense grid: kept tokens are scattered into zeros (dropped positions read 0),
  which is exactly why the paper finds Sana brittle under token dropping.
  """
  hidden: int
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x, tokens: TokenLayout):
    T, H, W = tokens.grid

    def on_grid(h, conv):
      grid = h if tokens.dense else scatter_tokens(h, tokens.positions, T * H * W,
                                                   jnp.zeros((h.shape[-1],), h.dtype))
      grid = conv(grid.reshape(h.shape[0], T, H, W, h.shape[-1]))
      grid = grid.reshape(h.shape[0], T * H * W, h.shape[-1])
      return grid if tokens.dense else gather_tokens(grid, tokens.positions)

    h = nn.Dense(2 * self.hidden, dtype=self.dtype, name="expand")(x)
    h = on_grid(h, DepthwiseConv((1, 3, 3), dtype=self.dtype, name="spatial_dw"))
    value, gate = jnp.split(h, 2, axis=-1)
    h = value * nn.silu(gate)
    h = h + on_grid(h, DepthwiseConv((3, 1, 1), kernel_init=nn.initializers.zeros,
                                     dtype=self.dtype, name="temporal_dw"))
    return nn.Dense(x.shape[-1], dtype=self.dtype, name="project")(h)


class DiTBlock(nn.Module):
  """One block; `text` is None in class-conditional mode."""
  attention: AttentionSpec
  mlp_hidden: int
  adaln: str = "per_block"
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x, c, tokens: TokenLayout, text=None, text_mask=None):
    """c: (B, D) conditioning vector ('per_block'), or (B, 6D) shared modulation ('shared')."""
    dim, residual_dtype = x.shape[-1], x.dtype
    if self.adaln == "per_block":
      mod = nn.Dense(6 * dim, dtype=self.dtype, kernel_init=nn.initializers.zeros, name="adaln")(nn.silu(c))
    else:
      mod = c + self.param("modulation", nn.initializers.zeros, (6 * dim,)).astype(self.dtype)
    shift1, scale1, gate1, shift2, scale2, gate2 = jnp.split(mod, 6, axis=-1)

    attn = make_self_attention(self.attention)
    x = x + gate1[:, None] * attn(modulate(layer_norm(x, self.dtype), shift1, scale1), tokens)

    if text is not None:
      normed = nn.LayerNorm(epsilon=1e-6, dtype=self.dtype, name="cross_norm")(x)
      x = x + CrossAttention(self.attention.num_heads, self.attention.qk_norm, dtype=self.dtype, name="cross_attn")(
          normed, text, text_mask)

    ffn_type = MixFFN if self.attention.kind == "sana" else MLP
    ffn = ffn_type(self.mlp_hidden, dtype=self.dtype, name="ffn")
    out = x + gate2[:, None] * ffn(modulate(layer_norm(x, self.dtype), shift2, scale2), tokens)
    return out.astype(residual_dtype)   # the residual stream keeps its dtype (a scan carry must)
