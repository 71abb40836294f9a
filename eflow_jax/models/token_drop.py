"""SPRINT structured group-wise token subsampling, and the gather / scatter around the middle stack.

The token grid (T, H, W) is tiled into groups (e.g. 2x2x2). Every sample keeps exactly `k` random
tokens of every group, so the kept set covers the whole video evenly (local coverage) while the
choice inside each group is random (global randomness). Kept indices are returned in raster order,
which the window attention relies on (it reads original positions from them).
"""
import math

import jax
import jax.numpy as jnp


def tokens_kept_per_group(group: tuple[int, int, int], drop_ratio: float) -> int:
  """k such that k / prod(group) == 1 - drop_ratio exactly; the ratio must be representable."""
  if not 0.0 <= drop_ratio < 1.0:
    raise ValueError(f"drop_ratio must be in [0, 1), got {drop_ratio}.")
  size = math.prod(group)
  keep = size * (1.0 - drop_ratio)
  if abs(keep - round(keep)) > 1e-6 or round(keep) < 1:
    raise ValueError(
        f"drop_ratio {drop_ratio} keeps {keep:g} of {size} tokens per {group} group; choose a ratio "
        f"that is a multiple of 1/{size} (e.g. 0.75 keeps {size // 4}) or another group shape.")
  return int(round(keep))


def check_group_divides(grid: tuple[int, int, int], group: tuple[int, int, int]) -> None:
  for name, n, g in zip("THW", grid, group):
    if n % g:
      raise ValueError(
          f"token-drop group {tuple(group)} does not tile the token grid {tuple(grid)} along {name} "
          f"({n} % {g} != 0); change model.token_drop_group or the video geometry.")


def sample_keep_indices(rng, batch: int, grid: tuple[int, int, int], group: tuple[int, int, int],
                        keep_per_group: int):
  """(batch, n_groups * keep_per_group) int32 raster indices of kept tokens, sorted ascending."""
  check_group_divides(grid, group)
  (T, H, W), (gt, gh, gw) = grid, group
  n_groups = (T // gt) * (H // gh) * (W // gw)
  group_size = gt * gh * gw
  # A random permutation per (sample, group); its first k members are kept.
  order = jnp.argsort(jax.random.uniform(rng, (batch, n_groups, group_size)), axis=-1)
  local = order[..., :keep_per_group]                                 # (B, G, k) in [0, g)
  lt, lh, lw = local // (gh * gw), (local // gw) % gh, local % gw
  g = jnp.arange(n_groups)
  ct, ch, cw = g // ((H // gh) * (W // gw)), (g // (W // gw)) % (H // gh), g % (W // gw)
  t = ct[None, :, None] * gt + lt
  h = ch[None, :, None] * gh + lh
  w = cw[None, :, None] * gw + lw
  raster = (t * H + h) * W + w
  return jnp.sort(raster.reshape(batch, -1), axis=-1).astype(jnp.int32)


def gather_tokens(x, indices):
  """x (B, N, ...) at indices (B, K) -> (B, K, ...)."""
  return jax.vmap(lambda xb, ib: xb[ib])(x, indices)


def scatter_tokens(kept, indices, num_tokens: int, fill):
  """Inverse of gather_tokens: a (B, num_tokens, D) array holding `kept` at `indices`, `fill` elsewhere."""
  base = jnp.broadcast_to(fill.astype(kept.dtype), (kept.shape[0], num_tokens, kept.shape[-1]))
  return jax.vmap(lambda b, k, i: b.at[i].set(k))(base, kept, indices)
