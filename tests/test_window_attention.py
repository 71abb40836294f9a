"""The GLGA local branch against a brute-force dense softmax with an explicit position mask."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.kernels.window_attention import window_attention, window_attention_reference


def dense_window_attention(q, k, v, positions, radius):
  """O(N^2) float64 numpy reference: softmax over keys with |pos_j - pos_i| <= radius."""
  q, k, v = (np.asarray(a, np.float64) for a in (q, k, v))
  pos = np.asarray(positions)
  scores = np.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(q.shape[-1])
  inside = np.abs(pos[:, :, None] - pos[:, None, :]) <= radius
  scores = np.where(inside[:, None], scores, -np.inf)
  scores -= scores.max(-1, keepdims=True)
  probs = np.exp(scores)
  probs /= probs.sum(-1, keepdims=True)
  return np.einsum("bhqk,bkhd->bqhd", probs, v)


def random_qkv(seed, B, N, H, D, dtype=jnp.float32):
  ks = jax.random.split(jax.random.PRNGKey(seed), 3)
  return tuple(jax.random.normal(kk, (B, N, H, D), dtype) for kk in ks)


def dropped_positions(seed, B, n_dense, n_keep):
  """Per-sample sorted random subsets of range(n_dense) (arbitrary, not group-structured)."""
  rng = np.random.default_rng(seed)
  return jnp.asarray(np.stack([np.sort(rng.choice(n_dense, n_keep, replace=False)) for _ in range(B)]),
                     jnp.int32)


@pytest.mark.parametrize("N,H,D,radius,block", [
    (37, 2, 8, 5, 8),      # N not a multiple of the block
    (64, 1, 16, 16, 16),   # exact multiple
    (50, 3, 8, 100, 16),   # window larger than the sequence: full attention
    (23, 2, 4, 0, 8),      # radius 0: every token attends only to itself
    (130, 2, 8, 12, 128),  # one full block plus a ragged tail
])
def test_dense_sequence_matches_bruteforce(N, H, D, radius, block):
  q, k, v = random_qkv(N, 2, N, H, D)
  pos = jnp.broadcast_to(jnp.arange(N, dtype=jnp.int32), (2, N))
  out = window_attention_reference(q, k, v, pos, radius=radius, block_q=block)
  np.testing.assert_allclose(out, dense_window_attention(q, k, v, pos, radius), atol=2e-5, rtol=2e-5)
  if radius == 0:
    np.testing.assert_allclose(out, v, atol=1e-6)


@pytest.mark.parametrize("n_dense,n_keep,radius,block", [(200, 50, 20, 16), (97, 31, 9, 8), (64, 63, 4, 32)])
def test_dropped_sequence_matches_bruteforce_on_original_positions(n_dense, n_keep, radius, block):
  q, k, v = random_qkv(n_keep, 3, n_keep, 2, 8)
  pos = dropped_positions(n_dense, 3, n_dense, n_keep)
  out = window_attention_reference(q, k, v, pos, radius=radius, block_q=block)
  np.testing.assert_allclose(out, dense_window_attention(q, k, v, pos, radius), atol=2e-5, rtol=2e-5)


def test_window_is_defined_on_original_positions_not_sequence_index():
  # Two kept tokens that are neighbours in the sequence but far apart in the grid never interact.
  q, k, v = random_qkv(0, 1, 2, 1, 4)
  far = jnp.array([[0, 100]], jnp.int32)
  out = window_attention_reference(q, k, v, far, radius=10)
  np.testing.assert_allclose(out, v, atol=1e-6)


def test_gradients_match_bruteforce():
  q, k, v = random_qkv(3, 2, 45, 2, 8)
  pos = dropped_positions(1, 2, 120, 45)
  radius = 15

  def dense_jnp(q, k, v):
    scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) / jnp.sqrt(8.0)
    inside = jnp.abs(pos[:, :, None] - pos[:, None, :]) <= radius
    probs = jax.nn.softmax(jnp.where(inside[:, None], scores, -jnp.inf), -1)
    return jnp.einsum("bhqk,bkhd->bqhd", probs, v)

  cot = jax.random.normal(jax.random.PRNGKey(9), q.shape)
  loss = lambda f: lambda *a: jnp.sum(f(*a) * cot)
  got = jax.grad(loss(lambda *a: window_attention_reference(*a, pos, radius=radius, block_q=16)),
                 argnums=(0, 1, 2))(q, k, v)
  want = jax.grad(loss(dense_jnp), argnums=(0, 1, 2))(q, k, v)
  for g, w in zip(got, want):
    np.testing.assert_allclose(g, w, atol=5e-5, rtol=5e-5)


def test_bfloat16_inputs_within_bf16_tolerance():
  q, k, v = random_qkv(4, 2, 70, 2, 16, jnp.bfloat16)
  pos = jnp.broadcast_to(jnp.arange(70, dtype=jnp.int32), (2, 70))
  out = window_attention_reference(q, k, v, pos, radius=10, block_q=32)
  assert out.dtype == jnp.bfloat16
  np.testing.assert_allclose(np.asarray(out, np.float32), dense_window_attention(q, k, v, pos, 10),
                             atol=3e-2, rtol=3e-2)


def test_memory_is_linear_in_sequence_length():
  """The compiled reference never materialises an N x N array: temp memory grows ~linearly in N."""
  def temp_bytes(n):
    q = jax.ShapeDtypeStruct((1, n, 1, 16), jnp.float32)
    pos = jax.ShapeDtypeStruct((1, n), jnp.int32)
    f = jax.jit(lambda q, k, v, p: window_attention_reference(q, k, v, p, radius=32, block_q=64))
    analysis = f.lower(q, q, q, pos).compile().memory_analysis()
    return analysis.temp_size_in_bytes
  small, large = temp_bytes(4096), temp_bytes(16384)
  assert large < 6 * small, (small, large)        # quadratic would be 16x
  assert large < 16384 * 16384 * 4 / 8            # far below one N x N float32 matrix


def test_unknown_impl_is_a_clear_error():
  q, k, v = random_qkv(0, 1, 4, 1, 4)
  with pytest.raises(ValueError, match="impl"):
    window_attention(q, k, v, jnp.arange(4)[None], radius=1, impl="cuda")
