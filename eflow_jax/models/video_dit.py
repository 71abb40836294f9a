"""VideoDiT: patchify -> encoder -> [token drop] -> middle -> [restore + fuse] -> decoder -> head.

This is the network F(x_t, t, s, cond, w) of the solution map f = x_t + (s - t) F (docs/method.md §1).
The SPRINT split (paper Fig. 3, App. B.1): the encoder runs densely; the middle stack runs on the
kept tokens only; dropped positions are refilled with a learned [MASK] vector; the restored sequence
is fused with the dense encoder output by `Linear(concat([restored, dense]))` (the long residual
path) and the decoder runs densely again. `weak=True` skips the middle stack altogether (every
position gets [MASK]), which is the cheap "weak path" that Path-Drop Guidance uses as its
unconditional model.

Compile time and memory at depth (`scan_blocks`, `remat`, `dtype`):
- `scan_blocks=True` runs blocks of the same kind under `nn.scan`, so the program holds a bounded
  number of traced block bodies whatever the depth. Each section (encoder / middle / decoder) is cut
  into segments by `block_layout`: [prefix run][first softmax block][periods][suffix run], where a
  period is (K-1 non-softmax blocks under an inner scan, then one softmax block) under an outer scan.
- Parameter naming and the conversion between the scanned and the unrolled layout:
  `eflow_jax/models/scan_layout.py`.
- `remat` wraps every block in `nn.remat` with a `jax.checkpoint_policies` policy (REMAT_POLICIES).
- `dtype='bfloat16'` is the compute dtype only: parameters are created float32 (the master weights
  the optimizer updates), cast per matmul by Flax, and the output is float32.
"""
import dataclasses
from typing import Any

import chex
import flax.linen as nn
import jax
import jax.numpy as jnp
import ml_collections

from eflow_jax.models import context_parallel as cp
from eflow_jax.models.attention import AttentionSpec, SparseSpec, TokenLayout, check_attention_type
from eflow_jax.models.blocks import DiTBlock, layer_norm, modulate
from eflow_jax.models.embeddings import Conditioning, TextProjection
from eflow_jax.models.rope import grid_coordinates, rope_angles
from eflow_jax.models.scan_layout import section_blocks, section_layout
from eflow_jax.models.token_drop import (gather_tokens, sample_keep_indices, scatter_tokens,
                                         tokens_kept_per_group)
from eflow_jax.kernels.window_attention import window_radius
from eflow_jax.schema.model import MODEL_DEFAULTS as _DEFAULTS, SPARSE_DEFAULTS, TUPLE_FIELDS

SECTIONS = ("encoder", "middle", "decoder")
# model.remat -> what a block saves for the backward pass (None: no rematerialisation).
REMAT_POLICIES = {
    "none": None,
    "full": jax.checkpoint_policies.nothing_saveable,
    "dots": jax.checkpoint_policies.checkpoint_dots,
    "dots_no_batch": jax.checkpoint_policies.checkpoint_dots_with_no_batch_dims,
}
COMPUTE_DTYPES = ("float32", "bfloat16")


def patchify(x, patch):
  """(B, T, H, W, C) -> (B, T/pt * H/ph * W/pw, pt*ph*pw*C) in raster order, and the token grid."""
  B, T, H, W, C = x.shape
  pt, ph, pw = patch
  x = x.reshape(B, T // pt, pt, H // ph, ph, W // pw, pw, C)
  x = x.transpose(0, 1, 3, 5, 2, 4, 6, 7)
  grid = (T // pt, H // ph, W // pw)
  return x.reshape(B, grid[0] * grid[1] * grid[2], pt * ph * pw * C), grid


def unpatchify(tokens, grid, patch, channels):
  """Inverse of patchify."""
  B = tokens.shape[0]
  (gt, gh, gw), (pt, ph, pw) = grid, patch
  x = tokens.reshape(B, gt, gh, gw, pt, ph, pw, channels)
  x = x.transpose(0, 1, 4, 2, 5, 3, 6, 7)
  return x.reshape(B, gt * pt, gh * ph, gw * pw, channels)


def compute_dtype(dtype) -> jnp.dtype:
  """model.dtype as a jnp dtype; only float32 and bfloat16 are compute dtypes of this model."""
  try:
    resolved = jnp.dtype(dtype)
  except TypeError:
    resolved = None
  if resolved is None or resolved.name not in COMPUTE_DTYPES:
    raise ValueError(f"model.dtype={dtype!r} is unknown; use one of {', '.join(COMPUTE_DTYPES)}.")
  return resolved


@dataclasses.dataclass(frozen=True)
class BlockSpec:
  """The DiTBlock fields every block of a model shares; `make` adds attention type and name."""
  attention: AttentionSpec          # its `kind` is set per block by `make`
  mlp_hidden: int
  adaln: str
  dtype: Any
  remat: str

  def make(self, attention: str, name: str, in_scan: bool) -> nn.Module:
    """A DiTBlock, under nn.remat when asked. Inside scan, CSE cannot undo the rematerialisation,
    so `prevent_cse` (which costs fusion opportunities) is only needed for unrolled blocks."""
    block_cls = DiTBlock
    if self.remat != "none":
      block_cls = nn.remat(DiTBlock, policy=REMAT_POLICIES[self.remat], prevent_cse=not in_scan)
    return block_cls(self.attention.with_kind(attention), self.mlp_hidden, self.adaln, dtype=self.dtype,
                     name=name)


def scan_repeated(module: nn.Module, length: int, h, context: tuple):
  """Applies `module` `length` times to the residual stream h, with its parameters stacked on a
  new leading axis: one traced body, whatever `length`. `context` (conditioning, TokenLayout, text,
  text mask) is the same for every step."""
  step = lambda mdl, carry, *ctx: (mdl(carry, *ctx), None)
  scanned = nn.scan(step, variable_axes={"params": 0}, split_rngs={"params": True},
                    in_axes=(nn.broadcast,) * len(context), length=length)
  return scanned(module, h, *context)[0]


class Period(nn.Module):
  """One period of the softmax-every-K pattern: K-1 blocks under an inner scan, then one softmax
  block. Scanned over the periods by the caller (so its `blocks_scan` leaves carry two axes)."""
  spec: BlockSpec
  base_attention: str
  base_blocks: int                  # K - 1 (0 when every block is softmax)

  @nn.compact
  def __call__(self, h, c, tokens, text, text_mask):
    context = (c, tokens, text, text_mask)
    if self.base_blocks:
      h = scan_repeated(self.spec.make(self.base_attention, "blocks_scan", in_scan=True),
                        self.base_blocks, h, context)
    return self.spec.make("softmax", "softmax", in_scan=True)(h, *context)


class VideoDiT(nn.Module):
  """The EFlow network. Parameters are an explicit pytree: `model.apply({'params': p}, ...)`.
  The knobs' defaults are config.model's (eflow_jax/schema/model.py: EFlow-B, Tab. 5)."""
  latent_channels: int = _DEFAULTS["latent_channels"]
  patch: tuple[int, int, int] = _DEFAULTS["patch"]
  hidden: int = _DEFAULTS["hidden"]
  mlp_hidden: int = _DEFAULTS["mlp_hidden"]
  num_heads: int = _DEFAULTS["num_heads"]
  encoder_blocks: int = _DEFAULTS["encoder_blocks"]
  middle_blocks: int = _DEFAULTS["middle_blocks"]
  decoder_blocks: int = _DEFAULTS["decoder_blocks"]
  attention: str = _DEFAULTS["attention"]
  softmax_every: int = _DEFAULTS["softmax_every"]
  window_frames: int = _DEFAULTS["window_frames"]
  feature_map: str = _DEFAULTS["feature_map"]
  linear_normalize: str = _DEFAULTS["linear_normalize"]
  qk_norm: bool = _DEFAULTS["qk_norm"]
  attention_impl: str = _DEFAULTS["attention_impl"]
  window_block: int = _DEFAULTS["window_block"]
  sparse: SparseSpec = SparseSpec()   # the SLA / VSA baselines' knobs (config.model.sla_* / vsa_*)
  adaln: str = _DEFAULTS["adaln"]
  num_classes: int = _DEFAULTS["num_classes"]
  text_dim: int = _DEFAULTS["text_dim"]
  token_drop_group: tuple[int, int, int] = _DEFAULTS["token_drop_group"]
  time_scale: float = _DEFAULTS["time_scale"]
  rope_theta: float = _DEFAULTS["rope_theta"]
  dtype: Any = compute_dtype(_DEFAULTS["dtype"])
  scan_blocks: bool = _DEFAULTS["scan_blocks"]
  remat: str = _DEFAULTS["remat"]
  # Not a config.model knob: the trainer's mesh when config.mesh.context > 1, read by the per-example
  # net (models/per_example.py), which then splits each clip's frames over it (context_parallel.py).
  context_mesh: Any = None

  @classmethod
  def from_config(cls, config: ml_collections.ConfigDict) -> "VideoDiT":
    """The network of config.model (a run's, or an export's config.json): the config keeps flat
    sla_* / vsa_* keys, the network holds them as one SparseSpec."""
    fields = {key: value for key, value in dict(config).items() if key not in SPARSE_DEFAULTS}
    for key in TUPLE_FIELDS:
      if key in fields:
        fields[key] = tuple(fields[key])
    if "dtype" in fields:
      fields["dtype"] = compute_dtype(fields["dtype"])
    return cls(sparse=SparseSpec.from_model_config(config), **fields)

  @property
  def num_blocks(self) -> int:
    return self.encoder_blocks + self.middle_blocks + self.decoder_blocks

  def block_attention(self, index: int) -> str:
    """Attention type of block `index` (0-based over all blocks): softmax every K blocks."""
    if self.softmax_every and (index + 1) % self.softmax_every == 0:
      return "softmax"
    return self.attention

  def null_condition(self, batch: int, text_length: int = 1):
    """The unconditional input: null label (class mode) or zero text embedding (text mode)."""
    if self.num_classes:
      return {"y": jnp.full((batch,), self.num_classes, jnp.int32)}
    return {"text": jnp.zeros((batch, text_length, self.text_dim), self.dtype),
            "text_mask": jnp.ones((batch, text_length), jnp.int32)}

  def check_config(self) -> None:
    """One-line errors for bad switches, raised before anything is traced."""
    check_attention_type(self.attention)
    if self.adaln not in ("per_block", "shared"):
      raise ValueError(f"model.adaln must be 'per_block' or 'shared', got {self.adaln!r}.")
    if self.remat not in REMAT_POLICIES:
      raise ValueError(f"model.remat={self.remat!r} is unknown; use one of {', '.join(REMAT_POLICIES)}.")
    if not isinstance(self.scan_blocks, bool):
      raise ValueError(f"model.scan_blocks={self.scan_blocks!r} is unknown; use True or False.")
    compute_dtype(self.dtype)

  def _check_inputs(self, x, t, s, w, y, text):
    self.check_config()
    chex.assert_rank(x, 5)
    if x.shape[-1] != self.latent_channels:
      raise ValueError(f"input has {x.shape[-1]} channels, model.latent_channels is {self.latent_channels}.")
    for name, n, p in zip("THW", x.shape[1:4], self.patch):
      if n % p:
        raise ValueError(f"latent {name}={n} is not a multiple of model.patch {self.patch}.")
    chex.assert_shape([t, s, w], (x.shape[0],))
    if self.num_classes and text is not None:
      raise ValueError("class-conditional model (num_classes > 0) was given text embeddings.")
    if self.text_dim and text is None:
      raise ValueError("text-mode model (text_dim > 0) needs text embeddings; pass the null text "
                       "from VideoDiT.null_condition for unconditional.")

  def block_spec(self) -> BlockSpec:
    dtype = compute_dtype(self.dtype)
    attention = AttentionSpec(self.attention, self.num_heads, self.qk_norm, self.feature_map,
                              self.linear_normalize, self.attention_impl, self.window_block, dtype, self.sparse)
    return BlockSpec(attention, self.mlp_hidden, self.adaln, dtype, self.remat)

  def _run_attention(self, indices) -> str:
    """The one attention type of a run of blocks (a scan needs identical bodies)."""
    kinds = {self.block_attention(i) for i in indices}
    assert len(kinds) == 1, f"blocks {indices} mix attention types {kinds}"
    return kinds.pop()

  def _run_section(self, section: str, h, c, tokens: TokenLayout, text, text_mask):
    """Runs one section's blocks in order, segment by segment of its `section_layout`."""
    spec, context = self.block_spec(), (c, tokens, text, text_mask)
    layout = section_layout(section, section_blocks(self)[section], self.softmax_every,
                            self.scan_blocks)
    for key, indices in layout.items():
      if isinstance(indices, int):
        h = spec.make(self.block_attention(indices), key, in_scan=False)(h, *context)
      elif isinstance(indices, list):
        block = spec.make(self._run_attention(indices), key, in_scan=True)
        h = scan_repeated(block, len(indices), h, context)
      else:
        base = indices.get("blocks_scan", [])
        base_attention = self._run_attention(sum(base, [])) if base else self.attention
        period = Period(spec, base_attention, len(base[0]) if base else 0, name=key)
        h = scan_repeated(period, len(indices["softmax"]), h, context)
    return h

  def _dense_layout(self, batch: int, grid, context_axis=None) -> TokenLayout:
    """Every token in raster order, with its RoPE angles and the local window's radius. Under context
    parallelism `grid` is this shard's frames; positions and angles are the whole clip's."""
    num_tokens, head_dim = grid[0] * grid[1] * grid[2], self.hidden // self.num_heads
    radius = window_radius(self.window_frames * grid[1] * grid[2])
    coords, offset = jnp.asarray(grid_coordinates(grid)), 0
    if context_axis is not None:
      index = jax.lax.axis_index(context_axis)
      coords, offset = coords.at[:, 0].add(index * grid[0]), index * num_tokens
    rope = jnp.broadcast_to(rope_angles(coords, head_dim, self.rope_theta), (batch, num_tokens, head_dim // 2))
    positions = jnp.broadcast_to(offset + jnp.arange(num_tokens, dtype=jnp.int32), (batch, num_tokens))
    if context_axis is None:
      return TokenLayout(positions, rope, grid, radius, dense=True)
    size = jax.lax.axis_size(context_axis)
    context = cp.ContextLayout(context_axis, size, cp.halo_tokens(radius, grid, self.token_drop_group, None))
    steps = jnp.arange(context.halo, dtype=jnp.int32)
    left = jnp.broadcast_to(offset - context.halo + steps, (batch, context.halo))
    right = jnp.broadcast_to(offset + num_tokens + steps, (batch, context.halo))
    halo = cp.halo_positions(positions, left, right, radius=radius, index=index, size=size)
    return TokenLayout(positions, rope, (grid[0] * size,) + tuple(grid[1:]), radius, True, halo, context)

  def _dropped_layout(self, dense: TokenLayout, drop_ratio, rng, keep_indices):
    """(kept tokens' layout, their indices into this device's sequence) for the middle stack."""
    batch, grid, context = dense.positions.shape[0], dense.grid, dense.context
    keep = tokens_kept_per_group(self.token_drop_group, drop_ratio)
    if keep_indices is None:
      if rng is None:
        raise ValueError("drop_ratio > 0 needs an rng to choose the kept tokens.")
      keep_indices = sample_keep_indices(rng, batch, grid, self.token_drop_group, keep)
    if context is None:
      return TokenLayout(keep_indices, gather_tokens(dense.rope, keep_indices), grid, dense.window_radius,
                         dense=False), keep_indices
    # Every shard drew the whole clip's kept set (same key); it holds an equal, contiguous slice of it.
    index, per_shard = jax.lax.axis_index(context.axis), keep_indices.shape[1] // context.size
    start = index * per_shard
    mine = jax.lax.dynamic_slice_in_dim(keep_indices, start, per_shard, axis=1)
    halo = cp.halo_tokens(dense.window_radius, (grid[0] // context.size,) + tuple(grid[1:]),
                          self.token_drop_group, keep)
    # Clamped slices at the clip's ends are replaced by out-of-window positions in halo_positions.
    left = jax.lax.dynamic_slice_in_dim(keep_indices, jnp.maximum(start - halo, 0), halo, axis=1)
    right = jax.lax.dynamic_slice_in_dim(
        keep_indices, jnp.minimum(start + per_shard, keep_indices.shape[1] - halo), halo, axis=1)
    halo_positions = cp.halo_positions(mine, left, right, radius=dense.window_radius, index=index,
                                       size=context.size)
    local = mine - dense.positions[:, :1]
    return TokenLayout(mine, gather_tokens(dense.rope, local), grid, dense.window_radius, False, halo_positions,
                       dataclasses.replace(context, halo=halo)), local

  @nn.compact
  def __call__(self, x, t, s, w, y=None, text=None, text_mask=None, *, drop_ratio: float = 0.0,
               rng=None, weak: bool = False, keep_indices=None, context_axis=None):
    """F(x_t, t, s, cond, w).

    Args:
      x: (B, T, H, W, C) latents. t, s, w: (B,) times (0 <= s <= t <= 1) and guidance scale.
      y: (B,) int32 class labels, `num_classes` = null (class mode).
      text, text_mask: (B, L, text_dim) embeddings and (B, L) validity mask (text mode).
      drop_ratio: fraction of tokens the middle stack drops (static; 0 = dense).
      rng: PRNG key choosing the kept tokens (required when drop_ratio > 0).
      weak: skip the middle stack (every position gets [MASK]).
      keep_indices: optional (B, K) sorted raster indices to keep, overriding drop_ratio/rng.
      context_axis: set by context_parallel.sharded_apply: x is this device's frames of each clip.
    Returns: F with x's shape, float32.
    """
    self._check_inputs(x, t, s, w, y, text)
    dtype = compute_dtype(self.dtype)
    B = x.shape[0]
    tokens, grid = patchify(x.astype(dtype), self.patch)
    h = nn.Dense(self.hidden, dtype=dtype, name="patch_embed")(tokens)
    c = Conditioning(self.hidden, self.num_classes, self.time_scale, dtype=dtype, name="cond")(t, s, w, y)
    if text is not None:
      text = TextProjection(self.hidden, dtype=dtype, name="text_proj")(text)

    dense = self._dense_layout(B, grid, context_axis)
    if context_axis is not None:
      cp.check_context(dense.context.size, dense.grid, attention=self.attention, softmax_every=self.softmax_every,
                       radius=dense.window_radius, group=self.token_drop_group, drop_ratios=(drop_ratio,))
    block_c = c
    if self.adaln == "shared":
      block_c = nn.Dense(6 * self.hidden, dtype=dtype, kernel_init=nn.initializers.zeros,
                         name="shared_adaln")(nn.silu(c))
    run = lambda section, h, layout: self._run_section(section, h, block_c, layout, text, text_mask)
    h_dense = run("encoder", h, dense)

    mask_token = self.param("mask_token", nn.initializers.normal(0.02), (self.hidden,))
    if weak:
      restored = jnp.broadcast_to(mask_token.astype(h_dense.dtype), h_dense.shape)
    elif keep_indices is None and drop_ratio == 0.0:
      restored = run("middle", h_dense, dense)
    else:
      sparse, local = self._dropped_layout(dense, drop_ratio, rng, keep_indices)
      kept = run("middle", gather_tokens(h_dense, local), sparse)
      restored = scatter_tokens(kept, local, tokens.shape[1], mask_token)
    h = nn.Dense(self.hidden, dtype=dtype, name="fuse")(jnp.concatenate([restored, h_dense], -1))
    h = run("decoder", h, dense)

    shift, scale = jnp.split(nn.Dense(2 * self.hidden, dtype=dtype,
                                      kernel_init=nn.initializers.zeros, name="head_adaln")(nn.silu(c)), 2, -1)
    h = modulate(layer_norm(h, dtype), shift, scale)
    out_dim = self.patch[0] * self.patch[1] * self.patch[2] * self.latent_channels
    out = nn.Dense(out_dim, dtype=dtype, kernel_init=nn.initializers.zeros, name="head")(h)
    return unpatchify(out, grid, self.patch, self.latent_channels).astype(jnp.float32)
