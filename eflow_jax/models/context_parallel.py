"""Context (sequence) parallelism: one clip's latent frames split over the mesh axis `context`.

Each device of a context group holds a contiguous run of latent token frames (raster order is
(t, h, w), so a run of frames is a contiguous run of tokens) and runs every block on them. Everything
per token (projections, MLPs, norms, adaLN, RoPE from the tokens' global coordinates, the [MASK]
fill and the fusion of the SPRINT split) is local. Only attention talks to the other shards, and
GLGA needs little (paper §4.1, docs/method.md §GLGA):

* global-linear branch (Eq. 5): S = sum_j K_j^T V_j is a sum over tokens, so each device sums its
  own tokens and one all-reduce of the per-head (d x d) summaries gives every device the whole S;
  bytes per block: B * heads * d * d floats, whatever the sequence length.
* local-window branch (Eq. 6): a query at raster position p reads keys within `radius` positions,
  so only the neighbouring shards' nearest keys matter: a halo of K and V is passed to each
  neighbour (two ppermutes), and the window kernel runs this shard's queries against
  [left halo | own | right halo] keys (its `query_offset` form: no work for halo queries).
  At the clip's ends the missing halo gets positions outside every window, so it is masked out.
* the softmax block every K: K and V are all-gathered; each device attends its own queries.

Token drop (SPRINT, models/token_drop.py) under context parallelism: the kept set is the one the
unsharded model keeps for the same key (every device draws the whole clip's keep indices, which are
cheap integers, and takes its slice). Groups tile the token grid from frame 0 and each shard holds a
whole number of group-frames, so every group lies on one shard and every shard keeps the same count
(load balance). The halo of a dropped sequence is the kept tokens of the neighbour's last (first)
whole group-frames that can fall inside the window: a count fixed by the geometry.

The result equals the unsharded model up to float32 summation order (tests/test_context_parallel.py).
`sharded_apply` wraps `VideoDiT.apply` in a shard_map that is manual over `context` only, so the
`data` / `fsdp` axes stay under GSPMD exactly as without context parallelism; the parameter gradient
of all network passes of a step is all-reduced over `context` once (see sharded_apply).
"""
import dataclasses
import math

import jax
import jax.numpy as jnp
from jax import lax
from jax.sharding import PartitionSpec as P

from eflow_jax.kernels.linear_attention import linear_readout, linear_summary
from eflow_jax.kernels.softmax_attention import softmax_attention
from eflow_jax.kernels.window_attention import window_attention

AXIS = "context"
# Attention kinds whose collectives are written below; the SLA / VSA / Sana baselines are not.
SUPPORTED_ATTENTION = ("glga", "glga_sum", "linear", "window", "softmax")
WINDOWED = ("glga", "glga_sum", "window")


@dataclasses.dataclass(frozen=True)
class ContextLayout:
  """Static facts of one device's shard: the axis, how many shards, which tokens are exchanged."""
  axis: str
  size: int
  halo: int                         # tokens passed to each neighbour for the window branch


def halo_frames(radius: int, frame_tokens: int) -> int:
  """Whole token frames that can hold a key within `radius` raster positions of a shard's edge."""
  return math.ceil(radius / frame_tokens)


def halo_tokens(radius: int, local_grid, group, keep_per_group: int | None) -> int:
  """How many tokens each neighbour sends. Dense: exactly the `radius` nearest. Token-dropped: the
  kept tokens of the whole group-frames covering the halo frames (a fixed count, see above)."""
  frame_tokens = local_grid[1] * local_grid[2]
  if radius == 0:
    return 0
  if keep_per_group is None:
    return radius
  slab = math.ceil(halo_frames(radius, frame_tokens) / group[0]) * group[0]
  return slab // group[0] * (local_grid[1] // group[1]) * (local_grid[2] // group[2]) * keep_per_group


def check_context(size: int, grid, *, attention: str, softmax_every: int, radius: int, group,
                  drop_ratios=()) -> None:
  """One-line errors for a context size this model and geometry cannot use (before compiling).

  grid: the whole clip's token grid (T / patch_t, H / patch_h, W / patch_w).
  """
  if size == 1:
    return
  kinds = {attention} | ({"softmax"} if softmax_every else set())
  unsupported = sorted(kinds - set(SUPPORTED_ATTENTION))
  if unsupported:
    raise ValueError(f"mesh.context={size} supports model.attention in {', '.join(SUPPORTED_ATTENTION)}; "
                     f"{unsupported[0]!r} has no context-parallel form here; use mesh.context=1.")
  if grid[0] % size:
    raise ValueError(f"mesh.context={size} does not divide the {grid[0]} latent token frames (T / patch_t) "
                     f"of the clip; choose a context size that divides {grid[0]}.")
  local = grid[0] // size
  frame_tokens = grid[1] * grid[2]
  if attention in WINDOWED and halo_frames(radius, frame_tokens) > local:
    raise ValueError(f"mesh.context={size} leaves {local} token frames per shard, thinner than the window's "
                     f"halo of {halo_frames(radius, frame_tokens)} frames (model.window_frames); use a "
                     f"smaller context size or longer clips.")
  if any(drop_ratios):
    if local % group[0]:
      raise ValueError(f"mesh.context={size} leaves {local} token frames per shard, not a multiple of "
                       f"model.token_drop_group's {group[0]} frames, so shards would keep unequal token "
                       f"counts; choose a context size with (T / patch_t / context) % {group[0]} == 0.")
    needed = math.ceil(halo_frames(radius, frame_tokens) / group[0]) * group[0]
    if attention in WINDOWED and needed > local:
      raise ValueError(f"mesh.context={size} leaves {local} token frames per shard, thinner than the "
                       f"token-dropped window halo of {needed} frames; use a smaller context size.")


def halo_positions(local_positions, left, right, *, radius: int, index, size: int):
  """[left halo | own | right halo] raster positions, strictly increasing. At the clip's first and
  last shard the missing side gets positions more than `radius` away from every own token."""
  h = left.shape[1]
  steps = jnp.arange(h, dtype=jnp.int32)
  fake_left = local_positions[:, :1] - radius - h + steps
  fake_right = local_positions[:, -1:] + radius + 1 + steps
  left = jnp.where(index == 0, fake_left, left)
  right = jnp.where(index == size - 1, fake_right, right)
  return jnp.concatenate([left, local_positions, right], axis=1).astype(jnp.int32)


def _neighbour_halos(x, context: ContextLayout):
  """(left, right): the previous shard's last `halo` tokens of x and the next shard's first."""
  n, h = context.size, context.halo
  from_left = lax.ppermute(x[:, -h:], context.axis, [(j, (j + 1) % n) for j in range(n)])
  from_right = lax.ppermute(x[:, :h], context.axis, [(j, (j - 1) % n) for j in range(n)])
  return from_left, from_right


def window_with_halo(q, k, v, extended_positions, context: ContextLayout, *, radius: int,
                     impl: str, block_q: int):
  """The local-window branch of this shard's queries, exact across shard edges: own queries against
  [left halo | own | right halo] keys, so no output is computed for the halo tokens."""
  h = context.halo
  if h == 0:
    return window_attention(q, k, v, extended_positions, radius=radius, impl=impl, block_q=block_q)
  (k_left, k_right), (v_left, v_right) = _neighbour_halos(k, context), _neighbour_halos(v, context)
  return window_attention(q, jnp.concatenate([k_left, k, k_right], 1),
                          jnp.concatenate([v_left, v, v_right], 1), extended_positions, radius=radius,
                          impl=impl, block_q=block_q, query_offset=h)


def linear_with_allreduce(q, k, v, context: ContextLayout, *, normalize: str, impl: str):
  """The global-linear branch: this shard's summary, all-reduced over the context axis."""
  summary = lax.psum(linear_summary(k, v, impl=impl), context.axis)
  if normalize == "mean":
    summary = summary / (k.shape[1] * context.size)
  elif normalize != "sum":
    raise ValueError(f"linear attention normalize must be 'sum' or 'mean', got {normalize!r}.")
  return linear_readout(q, summary, impl=impl)


def softmax_with_allgather(q, k, v, context: ContextLayout, *, impl: str):
  """Full softmax of this shard's queries over every shard's keys."""
  gather = lambda a: lax.all_gather(a, context.axis, axis=1, tiled=True)
  return softmax_attention(q, gather(k), gather(v), impl=impl)


def sharded_apply(model, mesh, variables):
  """`model.apply` bound to `variables`, with each clip's frames split over the mesh's `context` axis:
  same arguments after the variables, same result; x and the output are (B, T, H, W, C) global arrays
  sharded over T.

  The variables enter as one broadcast copy per shard (a (context, ...) array sharded over `context`).
  shard_map's transpose all-reduces a replicated input's cotangent at every call; a per-shard copy's
  cotangent stays a partial sum instead, the calls made through this function add theirs, and the
  broadcast's transpose reduces the total once: one all-reduce of the parameter gradient per train
  step, not one per network pass (the objective makes several, eflow_jax/flow/losses.py).
  """
  size = mesh.shape[AXIS]
  copies = jax.tree.map(lambda a: jnp.broadcast_to(a[None], (size,) + a.shape), variables)

  def apply(x, t, s, w, y=None, text=None, text_mask=None, *, drop_ratio: float = 0.0, rng=None,
            weak: bool = False, keep_indices=None):
    if keep_indices is not None:
      raise ValueError("explicit keep_indices are not supported with mesh.context > 1; pass an rng and "
                       "drop_ratio (every shard then keeps the same count).")

    def body(copies, x, t, s, w, y, text, text_mask, rng):
      own = jax.tree.map(lambda a: a[0], copies)
      return model.apply(own, x, t, s, w, y, text, text_mask, drop_ratio=drop_ratio, rng=rng,
                         weak=weak, context_axis=AXIS)

    specs = (P(AXIS), P(None, AXIS)) + (P(),) * 7
    return jax.shard_map(body, mesh=mesh, in_specs=specs, out_specs=P(None, AXIS),
                         axis_names={AXIS}, check_vma=False)(copies, x, t, s, w, y, text, text_mask, rng)
  return apply
