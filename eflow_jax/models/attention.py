"""Self-attention variants, chosen by one config string (`model.attention`).

| name       | what                                                              | paper          |
|------------|-------------------------------------------------------------------|----------------|
| softmax    | full softmax attention                                             | Wan baseline   |
| glga       | gated global-linear + local-window attention                       | §4.1, Eq. 5-8  |
| linear     | GLGA's global branch only                                          | Tab. 3         |
| window     | GLGA's local branch only                                           | Tab. 3         |
| glga_sum   | both branches added, no gate                                       | Tab. 3         |
| sana       | ReLU linear attention with denominator (+ Mix-FFN in the block)    | Sana-Video     |
| sla        | sparse (top blocks, exact) + linear (marginal blocks) attention     | Fig. 5b (SLA)  |
| vsa        | coarse (pooled cubes) + fine (top cubes, exact) attention           | Fig. 7 (VSA)   |

Every module has the same call: `(x, tokens) -> (B, N, D)` where `tokens` describes the
(possibly token-dropped) sequence. The numeric cores live in `eflow_jax.kernels` behind an `impl`
switch, so a Pallas kernel replaces the reference without touching this file.
"""
import dataclasses
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from eflow_jax.kernels.glga_fused import glga_branches
from eflow_jax.kernels.linear_attention import linear_attention
from eflow_jax.kernels.sla import sla_attention
from eflow_jax.kernels.softmax_attention import softmax_attention
from eflow_jax.kernels.vsa import vsa_attention
from eflow_jax.kernels.window_attention import window_attention
from eflow_jax.models import context_parallel as cp
from eflow_jax.models.rope import apply_rope
from eflow_jax.schema.model import SPARSE_DEFAULTS


@dataclasses.dataclass(frozen=True)
class TokenLayout:
  """What attention needs to know about the tokens it sees.

  positions: (B, N) int32 raster index of each token in the dense (T, H, W) token grid, ascending.
  rope: (B, N, head_dim // 2) rotary angles of those tokens.
  grid: the dense token grid (T, H, W), static.
  window_radius: GLGA local window radius in raster positions, static.
  dense: True when the sequence is the whole grid in raster order (positions == arange).
  context: None, or this device's shard of the clip under context parallelism (a ContextLayout:
    positions are then global raster indices of this shard's tokens).
  halo_positions: (B, halo + N + halo) positions of [left halo | own | right halo] (context only).
  """
  positions: Any
  rope: Any
  grid: tuple[int, int, int]
  window_radius: int
  dense: bool
  halo_positions: Any = None
  context: Any = None


jax.tree_util.register_dataclass(
    TokenLayout, data_fields=["positions", "rope", "halo_positions"],
    meta_fields=["grid", "window_radius", "dense", "context"])

ATTENTION_TYPES = ("softmax", "glga", "linear", "window", "glga_sum", "sana", "sla", "vsa")
FEATURE_MAPS = {
    "none": lambda x: x,
    "relu": jax.nn.relu,
    "silu": jax.nn.silu,
    "elu1": lambda x: jax.nn.elu(x) + 1.0,
}


def check_attention_type(name: str) -> None:
  if name not in ATTENTION_TYPES:
    raise ValueError(f"unknown model.attention {name!r}; choose one of {', '.join(ATTENTION_TYPES)}.")


class QKV(nn.Module):
  """Shared Q, K, V projection with QK-RMSNorm over the full hidden size (as Wan); heads split."""
  num_heads: int
  qk_norm: bool = True
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x):
    dim = x.shape[-1]
    q, k, v = jnp.split(nn.Dense(3 * dim, dtype=self.dtype, name="qkv")(x), 3, axis=-1)
    if self.qk_norm:
      q = nn.RMSNorm(epsilon=1e-6, dtype=self.dtype, name="q_norm")(q)
      k = nn.RMSNorm(epsilon=1e-6, dtype=self.dtype, name="k_norm")(k)
    heads = lambda a: a.reshape(*a.shape[:2], self.num_heads, dim // self.num_heads)
    return heads(q), heads(k), heads(v)


def merge_heads(x):
  return x.reshape(*x.shape[:2], -1)


class SoftmaxAttention(nn.Module):
  """Full softmax attention over all tokens present (used every K blocks, and as the baseline)."""
  num_heads: int
  qk_norm: bool = True
  dtype: Any = jnp.float32
  impl: str = "auto"               # cuDNN flash attention on a GPU (bf16), else XLA's

  @nn.compact
  def __call__(self, x, tokens: TokenLayout):
    q, k, v = QKV(self.num_heads, self.qk_norm, dtype=self.dtype, name="qkv")(x)
    q, k = apply_rope(q, tokens.rope), apply_rope(k, tokens.rope)
    if tokens.context is None:
      out = softmax_attention(q, k, v, impl=self.impl)
    else:
      out = cp.softmax_with_allgather(q, k, v, tokens.context, impl=self.impl)
    return nn.Dense(x.shape[-1], dtype=self.dtype, name="out")(merge_heads(out))


class GLGA(nn.Module):
  """Gated Local-Global Attention (paper Eq. 5-8) and its Tab. 3 ablations.

  branches: 'gated' (GLGA), 'sum' (no gate), 'global' (linear only), 'local' (window only).
  The feature map is applied before RoPE so that RoPE keeps its relative-position property.
  """
  num_heads: int
  branches: str = "gated"
  feature_map: str = "none"
  linear_normalize: str = "sum"
  qk_norm: bool = True
  dtype: Any = jnp.float32
  impl: str = "auto"
  window_block: int = 64

  @nn.compact
  def __call__(self, x, tokens: TokenLayout):
    if self.feature_map not in FEATURE_MAPS:
      raise ValueError(f"unknown linear_feature_map {self.feature_map!r}; one of {list(FEATURE_MAPS)}.")
    q, k, v = QKV(self.num_heads, self.qk_norm, dtype=self.dtype, name="qkv")(x)
    ql, kl = apply_rope(q, tokens.rope), apply_rope(k, tokens.rope)
    if self.feature_map == "none":
      qg, kg = ql, kl
    else:
      phi = FEATURE_MAPS[self.feature_map]
      qg, kg = apply_rope(phi(q), tokens.rope), apply_rope(phi(k), tokens.rope)
    if tokens.context is not None:
      o_global, o_local = self._sharded_branches(ql, kl, qg, kg, v, tokens)
    elif self.branches in ("gated", "sum"):      # both branches: one fused kernel set (glga_fused.py)
      o_global, o_local = glga_branches(ql, kl, qg, kg, v, tokens.positions,
                                        radius=tokens.window_radius, normalize=self.linear_normalize,
                                        impl=self.impl, block_q=self.window_block)
    elif self.branches == "global":
      o_global = linear_attention(qg, kg, v, impl=self.impl, normalize=self.linear_normalize)
    elif self.branches == "local":
      o_local = window_attention(ql, kl, v, tokens.positions, radius=tokens.window_radius,
                                 impl=self.impl, block_q=self.window_block)
    else:
      raise ValueError(f"unknown GLGA branches {self.branches!r}.")
    outputs = []
    if self.branches in ("gated", "sum", "global"):
      outputs.append(nn.RMSNorm(epsilon=1e-6, dtype=self.dtype, name="global_norm")(merge_heads(o_global)))
    if self.branches in ("gated", "sum", "local"):
      outputs.append(nn.RMSNorm(epsilon=1e-6, dtype=self.dtype, name="local_norm")(merge_heads(o_local)))
    if self.branches == "gated":
      gates = jax.nn.sigmoid(nn.Dense(2, dtype=self.dtype, name="gate")(x))   # per-token scalars
      out = gates[..., 0:1] * outputs[0] + gates[..., 1:2] * outputs[1]
    elif self.branches == "sum":
      out = outputs[0] + outputs[1]
    else:
      out = outputs[0]
    return nn.Dense(x.shape[-1], dtype=self.dtype, name="out")(out)

  def _sharded_branches(self, ql, kl, qg, kg, v, tokens: TokenLayout):
    """(o_global, o_local) of this device's tokens under context parallelism (models/context_parallel.py);
    a branch the module does not use is None."""
    o_global = o_local = None
    if self.branches in ("gated", "sum", "global"):
      o_global = cp.linear_with_allreduce(qg, kg, v, tokens.context, normalize=self.linear_normalize,
                                          impl=self.impl)
    if self.branches in ("gated", "sum", "local"):
      o_local = cp.window_with_halo(ql, kl, v, tokens.halo_positions, tokens.context,
                                    radius=tokens.window_radius, impl=self.impl, block_q=self.window_block)
    return o_global, o_local


class SanaLinearAttention(nn.Module):
  """Sana-Video style ReLU linear attention with its normalising denominator.

  RoPE rotates the ReLU features in the numerator only; the denominator uses the unrotated
  (non-negative) features so it stays positive, as in Sana-Video.
  """
  num_heads: int
  qk_norm: bool = True
  dtype: Any = jnp.float32
  impl: str = "auto"
  eps: float = 1e-6

  @nn.compact
  def __call__(self, x, tokens: TokenLayout):
    q, k, v = QKV(self.num_heads, self.qk_norm, dtype=self.dtype, name="qkv")(x)
    q, k = jax.nn.relu(q), jax.nn.relu(k)
    numerator = linear_attention(apply_rope(q, tokens.rope), apply_rope(k, tokens.rope), v,
                                 impl=self.impl, normalize="sum")
    k_sum = jnp.sum(k.astype(jnp.float32), axis=1)                            # (B, heads, d)
    denominator = jnp.einsum("bnhd,bhd->bnh", q.astype(jnp.float32), k_sum)[..., None]
    out = (numerator.astype(jnp.float32) / (denominator + self.eps)).astype(x.dtype)
    return nn.Dense(x.shape[-1], dtype=self.dtype, name="out")(merge_heads(out))


class _SparseBaseline(nn.Module):
  """What SLA and VSA share: their fields and the roped QKV projection ("qkv")."""
  num_heads: int
  sparse: "SparseSpec"
  qk_norm: bool = True
  dtype: Any = jnp.float32

  def roped_qkv(self, x, tokens: TokenLayout):
    q, k, v = QKV(self.num_heads, self.qk_norm, dtype=self.dtype, name="qkv")(x)
    return apply_rope(q, tokens.rope), apply_rope(k, tokens.rope), v


class SparseLinearAttention(_SparseBaseline):
  """SLA (kernels/sla.py): o_sparse + proj(o_linear), proj a zero-initialised Dense(head_dim)
  shared by the heads (the official code's `proj_l`), so training starts from the sparse part."""

  @nn.compact
  def __call__(self, x, tokens: TokenLayout):
    q, k, v = self.roped_qkv(x, tokens)
    sp = self.sparse
    o_sparse, o_linear = sla_attention(q, k, v, block_q=sp.sla_block_q, block_k=sp.sla_block_k,
                                       critical=sp.sla_critical, negligible=sp.sla_negligible,
                                       feature_map=sp.sla_feature_map)
    o_linear = nn.Dense(v.shape[-1], dtype=self.dtype, kernel_init=nn.initializers.zeros,
                        name="proj_linear")(o_linear)
    return nn.Dense(x.shape[-1], dtype=self.dtype, name="out")(merge_heads(o_sparse + o_linear))


class VideoSparseAttention(_SparseBaseline):
  """VSA (kernels/vsa.py): o_fine + g * o_coarse, g = a zero-initialised Dense of the block input
  (FastVideo's `to_gate_compress`) or 1 (gate 'none')."""

  @nn.compact
  def __call__(self, x, tokens: TokenLayout):
    q, k, v = self.roped_qkv(x, tokens)
    sp = self.sparse
    o_fine, o_coarse = vsa_attention(q, k, v, tokens.positions, grid=tokens.grid, cube=sp.vsa_cube,
                                     topk=sp.vsa_topk)
    out = merge_heads(o_fine)
    if sp.vsa_gate == "linear":
      gate = nn.Dense(x.shape[-1], dtype=self.dtype, kernel_init=nn.initializers.zeros, name="gate_coarse")(x)
      out = out + gate * merge_heads(o_coarse)
    elif sp.vsa_gate == "none":
      out = out + merge_heads(o_coarse)
    else:
      raise ValueError(f"model.vsa_gate={sp.vsa_gate!r} is unknown; use 'linear' or 'none'.")
    return nn.Dense(x.shape[-1], dtype=self.dtype, name="out")(out)


@dataclasses.dataclass(frozen=True)
class SparseSpec:
  """The SLA / VSA knobs (config.model.sla_* / vsa_*; kernels/sla.py, kernels/vsa.py); their defaults
  and meaning: eflow_jax/schema/model.py. VideoDiT holds one (`VideoDiT.sparse`)."""
  sla_block_q: int = SPARSE_DEFAULTS["sla_block_q"]
  sla_block_k: int = SPARSE_DEFAULTS["sla_block_k"]
  sla_critical: float = SPARSE_DEFAULTS["sla_critical"]
  sla_negligible: float = SPARSE_DEFAULTS["sla_negligible"]
  sla_feature_map: str = SPARSE_DEFAULTS["sla_feature_map"]
  vsa_cube: tuple[int, int, int] = SPARSE_DEFAULTS["vsa_cube"]
  vsa_topk: int = SPARSE_DEFAULTS["vsa_topk"]
  vsa_gate: str = SPARSE_DEFAULTS["vsa_gate"]

  def __post_init__(self):
    # A config read back from JSON gives the cube as a list; the spec is hashed as a module field.
    object.__setattr__(self, "vsa_cube", tuple(self.vsa_cube))

  @classmethod
  def from_model_config(cls, model_config) -> "SparseSpec":
    """The spec written in config.model's flat sla_* / vsa_* keys; a key the config lacks (a run or
    export written before the SLA / VSA baselines) keeps its default."""
    return cls(**{name: model_config[name] for name in SPARSE_DEFAULTS if name in model_config})


@dataclasses.dataclass(frozen=True)
class AttentionSpec:
  """Everything that chooses and shapes a block's self-attention (config.model's attention fields),
  built once by VideoDiT and passed down whole; `kind` is the registry name above."""
  kind: str
  num_heads: int
  qk_norm: bool = True
  feature_map: str = "none"          # GLGA's global-branch feature map (FEATURE_MAPS)
  linear_normalize: str = "sum"
  impl: str = "auto"                 # kernels: auto | reference | pallas
  window_block: int = 64             # local-window kernel tile
  dtype: Any = jnp.float32
  sparse: SparseSpec = SparseSpec()  # the SLA / VSA baselines' knobs

  def with_kind(self, kind: str) -> "AttentionSpec":
    return dataclasses.replace(self, kind=kind)


def make_self_attention(spec: AttentionSpec, module_name: str = "self_attn") -> nn.Module:
  """The registry: one spec (one config string, `spec.kind`) -> one self-attention module."""
  check_attention_type(spec.kind)
  if spec.kind == "softmax":
    return SoftmaxAttention(spec.num_heads, spec.qk_norm, dtype=spec.dtype, impl=spec.impl, name=module_name)
  if spec.kind == "sana":
    return SanaLinearAttention(spec.num_heads, spec.qk_norm, dtype=spec.dtype, impl=spec.impl, name=module_name)
  if spec.kind in ("sla", "vsa"):
    cls = SparseLinearAttention if spec.kind == "sla" else VideoSparseAttention
    return cls(spec.num_heads, spec.sparse, spec.qk_norm, dtype=spec.dtype, name=module_name)
  branches = {"glga": "gated", "glga_sum": "sum", "linear": "global", "window": "local"}[spec.kind]
  return GLGA(spec.num_heads, branches, spec.feature_map, spec.linear_normalize, spec.qk_norm, dtype=spec.dtype,
              impl=spec.impl, window_block=spec.window_block, name=module_name)


class CrossAttention(nn.Module):
  """Text cross-attention (T2V mode): queries from video tokens, keys/values from text tokens."""
  num_heads: int
  qk_norm: bool = True
  dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x, context, context_mask):
    dim = x.shape[-1]
    q = nn.Dense(dim, dtype=self.dtype, name="q")(x)
    k, v = jnp.split(nn.Dense(2 * dim, dtype=self.dtype, name="kv")(context), 2, axis=-1)
    if self.qk_norm:
      q = nn.RMSNorm(epsilon=1e-6, dtype=self.dtype, name="q_norm")(q)
      k = nn.RMSNorm(epsilon=1e-6, dtype=self.dtype, name="k_norm")(k)
    heads = lambda a: a.reshape(*a.shape[:2], self.num_heads, dim // self.num_heads)
    mask = None if context_mask is None else context_mask[:, None, None, :].astype(bool)
    out = jax.nn.dot_product_attention(heads(q), heads(k), heads(v), mask=mask)
    return nn.Dense(dim, dtype=self.dtype, name="out")(merge_heads(out))
