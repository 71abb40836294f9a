"""3D RoPE's relative-position property, and SPRINT group-wise subsampling with gather / scatter."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.models.rope import apply_rope, axis_channels, rope_angles
from eflow_jax.models.token_drop import (gather_tokens, sample_keep_indices, scatter_tokens,
                                         tokens_kept_per_group)


def rotated_score(q, k, pos_q, pos_k, head_dim):
  angles = rope_angles(jnp.asarray([pos_q, pos_k], jnp.int32), head_dim)[None]   # (1, 2, d/2)
  x = jnp.stack([q, k])[None, :, None, :]                                       # (1, 2, 1, d)
  r = apply_rope(x, angles)[0, :, 0]
  return float(r[0] @ r[1])


@pytest.mark.parametrize("head_dim", [12, 64, 128])
def test_rope_scores_depend_only_on_position_difference(head_dim):
  key_q, key_k = jax.random.split(jax.random.PRNGKey(head_dim))
  q, k = jax.random.normal(key_q, (head_dim,)), jax.random.normal(key_k, (head_dim,))
  base = rotated_score(q, k, (1, 2, 3), (4, 0, 7), head_dim)
  for shift in [(5, 0, 0), (0, 9, 0), (0, 0, 11), (3, 7, 2)]:
    shifted = rotated_score(q, k, tuple(np.add((1, 2, 3), shift)), tuple(np.add((4, 0, 7), shift)), head_dim)
    assert shifted == pytest.approx(base, rel=1e-4, abs=1e-4)
  # ... and do depend on the difference, along each axis separately.
  for other in [(5, 0, 7), (4, 1, 7), (4, 0, 8)]:
    assert abs(rotated_score(q, k, (1, 2, 3), other, head_dim) - base) > 1e-3


def test_rope_is_a_rotation_and_identity_at_origin():
  x = jax.random.normal(jax.random.PRNGKey(0), (1, 5, 2, 24))
  angles = rope_angles(jnp.asarray(np.random.default_rng(0).integers(0, 50, (5, 3)), jnp.int32), 24)[None]
  y = apply_rope(x, angles)
  np.testing.assert_allclose(jnp.linalg.norm(y, axis=-1), jnp.linalg.norm(x, axis=-1), rtol=1e-5)
  zero = rope_angles(jnp.zeros((5, 3), jnp.int32), 24)[None]
  np.testing.assert_allclose(apply_rope(x, zero), x, atol=1e-7)
  assert axis_channels(64) == (24, 20, 20) and sum(axis_channels(128)) == 128


@pytest.mark.parametrize("grid,group,ratio,k", [((4, 8, 6), (2, 2, 2), 0.75, 2), ((3, 4, 8), (1, 2, 2), 0.75, 1),
                                                ((2, 4, 4), (2, 2, 2), 0.5, 4),
                                                # non-square tiles: each axis of the tile its own size
                                                ((4, 6, 9), (1, 2, 3), 0.5, 3), ((2, 4, 6), (2, 1, 3), 0.5, 3)])
def test_groupwise_subsampling_keeps_exactly_k_per_group(grid, group, ratio, k):
  assert tokens_kept_per_group(group, ratio) == k
  idx = np.asarray(sample_keep_indices(jax.random.PRNGKey(0), 3, grid, group, k))
  T, H, W = grid
  n_groups = np.prod(grid) // np.prod(group)
  assert idx.shape == (3, n_groups * k)
  assert np.all(np.diff(idx, axis=1) > 0)                   # sorted, no repeats
  t, h, w = idx // (H * W), (idx // W) % H, idx % W
  group_id = ((t // group[0]) * (H // group[1]) + h // group[1]) * (W // group[2]) + w // group[2]
  for b in range(3):
    assert np.all(np.bincount(group_id[b], minlength=n_groups) == k)


def test_subsampling_differs_across_samples_and_seeds_and_is_seed_deterministic():
  sample = lambda seed: np.asarray(sample_keep_indices(jax.random.PRNGKey(seed), 4, (4, 8, 8), (2, 2, 2), 2))
  a, b = sample(0), sample(1)
  assert not np.array_equal(a, b)
  assert len({tuple(row) for row in a}) == 4
  np.testing.assert_array_equal(a, sample(0))
  # Every member of a group is chosen with probability k / |group| (uniform within the group).
  counts = np.zeros(256)
  for seed in range(100):
    np.add.at(counts, sample(seed).ravel(), 1)
  assert counts.mean() == pytest.approx(100 * 4 * 64 / 256) and counts.std() / counts.mean() < 0.15


def test_gather_then_scatter_restores_kept_positions_and_fills_the_rest():
  x = jax.random.normal(jax.random.PRNGKey(0), (2, 64, 3))
  idx = sample_keep_indices(jax.random.PRNGKey(1), 2, (4, 4, 4), (2, 2, 2), 2)
  fill = jnp.array([7.0, 8.0, 9.0])
  restored = np.asarray(scatter_tokens(gather_tokens(x, idx), idx, 64, fill))
  kept = np.zeros((2, 64), bool)
  np.put_along_axis(kept, np.asarray(idx), True, 1)
  np.testing.assert_array_equal(restored[kept], np.asarray(x)[kept])
  np.testing.assert_array_equal(restored[~kept], np.broadcast_to(fill, ((~kept).sum(), 3)))


@pytest.mark.parametrize("ratio", [-0.1, 1.0, 0.3])
def test_impossible_drop_ratios_are_rejected(ratio):
  with pytest.raises(ValueError, match="drop_ratio"):
    tokens_kept_per_group((2, 2, 2), ratio)


def test_group_must_tile_the_grid():
  with pytest.raises(ValueError, match="does not tile"):
    sample_keep_indices(jax.random.PRNGKey(0), 1, (21, 4, 4), (2, 2, 2), 2)
