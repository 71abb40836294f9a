"""Video Sparse Attention (VSA; Zhang et al. 2025, arXiv 2505.13389; hao-ai-lab/FastVideo), in jnp.

A baseline the paper compares GLGA with (Fig. 7, Tab. 6). The token grid (T, H, W) is cut into
cubes (`cube`, e.g. 4 x 4 x 4 = 64 tokens); per (batch, head):

  coarse   mean-pool q, k, v over each cube, full softmax attention between the pooled cubes
           (scale 1/sqrt(head_dim)); every token of a cube gets its cube's coarse output o_c.
  routing  each query cube keeps the `topk` key cubes with the highest coarse scores (no gradient
           through the choice, as in the official code).
  fine     each query attends, by exact softmax, to every token of its cube's selected cubes: o_f.
  output   o_f + g ⊙ o_c, g a per-token, per-channel gate: a zero-initialised Dense of the block
           input (FastVideo's `to_gate_compress`, models/attention.py); gate='none' adds o_c as is.

Tokens are regrouped cube-major (what FastVideo's tile layout does before its kernel) and put back
in raster order after. Memory O(N · topk · cube tokens): linear in N at a fixed topk, no N x N buffer.
Under token drop the cubes are those of the dense grid and hold the kept tokens. SPRINT's structured
drop keeps the same number in every group, so when the drop group divides the cube (checked by the
model config) every cube holds the same count, cube size × keep ratio, and the routing runs on
the kept tokens' pooled scores.
"""
import functools
import math

import jax
import jax.numpy as jnp


def cube_ids(positions, grid, cube):
  """(B, N) raster positions in the dense grid -> (B, N) index of the cube each token lies in."""
  T, H, W = grid
  ct, ch, cw = cube
  t, h, w = positions // (H * W), (positions // W) % H, positions % W
  return ((t // ct) * (H // ch) + h // ch) * (W // cw) + w // cw


def check_geometry(grid, cube, num_tokens: int) -> int:
  """Number of cubes; a one-line error when the cube does not tile the grid or the tokens."""
  if len(cube) != 3 or any(g % c for g, c in zip(grid, cube)):
    raise ValueError(f"VSA cube {tuple(cube)} does not tile the token grid {tuple(grid)}; set "
                     f"model.vsa_cube to divisors of it.")
  num_cubes = math.prod(g // c for g, c in zip(grid, cube))
  if num_tokens % num_cubes:
    raise ValueError(f"VSA: {num_tokens} tokens do not fill {num_cubes} cubes evenly (a token-drop "
                     f"group that does not divide model.vsa_cube {tuple(cube)}).")
  return num_cubes


def vsa_routing(coarse_scores, topk: int):
  """(B, H, nc, topk) key cubes per query cube: the highest coarse scores (no gradient)."""
  return jax.lax.top_k(jax.lax.stop_gradient(coarse_scores), topk)[1]


@functools.partial(jax.jit, static_argnames=("grid", "cube", "topk"))
def vsa_attention(q, k, v, positions, *, grid, cube=(4, 4, 4), topk: int = 32):
  """(o_fine, o_coarse) for q, k, v (B, N, heads, head_dim) at raster `positions` (B, N) of `grid`.

  topk is clamped to the number of cubes (all selected: the fine stage is full softmax).
  """
  B, N, H, D = q.shape
  num_cubes = check_geometry(grid, cube, N)
  per_cube, topk = N // num_cubes, min(topk, num_cubes)
  # Cube-major order (stable in position inside a cube), and its inverse.
  order = jnp.argsort(cube_ids(positions, grid, cube) * (math.prod(grid) + 1) + positions, axis=1)
  inverse = jnp.argsort(order, axis=1)
  take = jax.vmap(lambda a, idx: a[idx])
  tiles = lambda a: jnp.swapaxes(take(a, order), 1, 2).astype(jnp.float32).reshape(
      B, H, num_cubes, per_cube, D)
  qc, kc, vc = tiles(q), tiles(k), tiles(v)                                # (B, H, nc, n, D)
  scale = 1.0 / math.sqrt(D)

  # Coarse stage: attention between the cubes' means.
  pooled = [a.mean(axis=3) for a in (qc, kc, vc)]
  coarse_scores = jnp.einsum("bhqd,bhkd->bhqk", pooled[0], pooled[1]) * scale
  o_coarse = jnp.einsum("bhqk,bhkd->bhqd", jax.nn.softmax(coarse_scores, axis=-1), pooled[2])
  o_coarse = jnp.broadcast_to(o_coarse[:, :, :, None], qc.shape)

  # Fine stage: exact softmax over the tokens of the selected cubes.
  selected = vsa_routing(coarse_scores, topk)                              # (B, H, nc, topk)
  gather = jax.vmap(jax.vmap(lambda a, idx: a[idx]))
  k_sel = gather(kc, selected).reshape(B, H, num_cubes, topk * per_cube, D)
  v_sel = gather(vc, selected).reshape(B, H, num_cubes, topk * per_cube, D)
  scores = jnp.einsum("bhqid,bhqjd->bhqij", qc, k_sel) * scale
  o_fine = jnp.einsum("bhqij,bhqjd->bhqid", jax.nn.softmax(scores, axis=-1), v_sel)

  def raster(o):
    o = jnp.swapaxes(o.reshape(B, H, N, D), 1, 2)                          # (B, N, H, D) cube-major
    return take(o, inverse).astype(q.dtype)
  return raster(o_fine), raster(o_coarse)
