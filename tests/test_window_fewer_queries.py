"""Window attention with fewer queries than keys (`query_offset`), the form a context shard uses for
its own tokens against [left halo | own | right halo] keys (models/context_parallel.py).

Values are checked against a float64 numpy brute force over the explicit position mask, gradients
against jax.vjp of a dense float32 masked softmax written here; both take the queries' positions
from the keys' and never call the module under test.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.kernels.window_attention import (window_attention, window_attention_pallas,
                                                window_attention_reference)
from triton_lowering import triton_kernels_in_gradient
from test_window_attention import dropped_positions


def brute_force(q, k, v, key_pos, offset, radius):
  """float64: query i (at key index offset + i) over every key within `radius` positions."""
  q, k, v = (np.asarray(a, np.float64) for a in (q, k, v))
  key_pos = np.asarray(key_pos)
  query_pos = key_pos[:, offset:offset + q.shape[1]]
  scores = np.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(q.shape[-1])
  inside = np.abs(query_pos[:, :, None] - key_pos[:, None, :]) <= radius
  scores = np.where(inside[:, None], scores, -np.inf)
  probs = np.exp(scores - scores.max(-1, keepdims=True))
  return np.einsum("bhqk,bkhd->bqhd", probs / probs.sum(-1, keepdims=True), v)


def dense_jnp(q, k, v, key_pos, offset, radius):
  """The same brute force in float32 jnp, for gradients."""
  query_pos = key_pos[:, offset:offset + q.shape[1]]
  scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(q.shape[-1])
  inside = jnp.abs(query_pos[:, :, None] - key_pos[:, None, :]) <= radius
  probs = jax.nn.softmax(jnp.where(inside[:, None], scores, -jnp.inf), axis=-1)
  return jnp.einsum("bhqk,bkhd->bqhd", probs, v)


def inputs(seed, B, M, N, H, D, key_pos):
  keys = jax.random.split(jax.random.PRNGKey(seed), 4)
  q = jax.random.normal(keys[0], (B, N, H, D))
  k, v = (jax.random.normal(kk, (B, M, H, D)) for kk in keys[1:3])
  return q, k, v, jax.random.normal(keys[3], (B, N, H, D)), key_pos


CASES = [
    # M keys, N queries, offset, radius, positions, block_q, block_k
    pytest.param(60, 40, 10, 10, "dense", 16, 16, id="halo10-each-side"),
    pytest.param(53, 29, 7, 12, "dense", 16, 32, id="ragged-asymmetric-halo"),
    pytest.param(48, 48, 0, 6, "dense", 16, 16, id="self-attention"),
    pytest.param(70, 30, 25, 40, "dense", 16, 16, id="window-wider-than-queries"),
    pytest.param(64, 32, 16, 20, "dropped", 16, 16, id="token-dropped"),
    pytest.param(40, 24, 0, 5, "dropped", 16, 16, id="queries-at-the-start"),
]


def key_positions(kind, B, M, seed=0):
  if kind == "dense":
    return jnp.broadcast_to(jnp.arange(M, dtype=jnp.int32), (B, M))
  return dropped_positions(seed, B, 3 * M, M)


@pytest.mark.parametrize("impl", ["reference", "pallas"])
@pytest.mark.parametrize("M,N,offset,radius,kind,block_q,block_k", CASES)
def test_values_and_gradients_match_brute_force(impl, M, N, offset, radius, kind, block_q, block_k):
  q, k, v, cot, pos = inputs(M + N, 2, M, N, 2, 8, key_positions(kind, 2, M))
  if impl == "reference":
    fn = lambda q, k, v: window_attention_reference(q, k, v, pos, radius=radius, block_q=block_q,
                                                    query_offset=offset)
  else:
    fn = lambda q, k, v: window_attention_pallas(q, k, v, pos, radius=radius, block_q=block_q,
                                                 block_k=block_k, query_offset=offset)
  out, vjp = jax.vjp(fn, q, k, v)
  assert out.shape == q.shape
  np.testing.assert_allclose(out, brute_force(q, k, v, pos, offset, radius), atol=2e-5, rtol=2e-5)
  _, want_vjp = jax.vjp(lambda q, k, v: dense_jnp(q, k, v, pos, offset, radius), q, k, v)
  for name, got, want in zip("qkv", vjp(cot), want_vjp(cot)):
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=5e-5, rtol=5e-5, err_msg=f"d{name}")


def test_keys_no_query_reaches_get_zero_gradient():
  """Keys beyond every query's window (the far end of a wide halo) receive exactly zero dK, dV."""
  M, N, offset, radius = 80, 20, 30, 5
  q, k, v, cot, pos = inputs(3, 1, M, N, 1, 8, key_positions("dense", 1, M))
  for impl in ("reference", "pallas"):
    fn = lambda k, v: window_attention(q, k, v, pos, radius=radius, impl=impl, block_q=16,
                                       query_offset=offset)
    dk, dv = jax.vjp(fn, k, v)[1](cot)
    reached = slice(offset - radius, offset + N + radius)
    for grad in (dk, dv):
      assert not np.asarray(grad[:, :reached.start]).any() and not np.asarray(grad[:, reached.stop:]).any()
      assert np.asarray(grad[:, reached]).any()


@pytest.mark.parametrize("offset,n_queries,match", [
    (-1, 8, "query_offset=-1"),
    (5, 8, "query_offset=5 with N=8 queries does not fit 12 keys"),
    (1.0, 8, "query_offset=1.0"),
])
def test_queries_that_are_not_a_run_of_the_keys_are_one_line(offset, n_queries, match):
  q = jnp.ones((1, n_queries, 1, 8))
  k = jnp.ones((1, 12, 1, 8))
  pos = jnp.arange(12, dtype=jnp.int32)[None]
  for impl in ("reference", "pallas"):
    with pytest.raises(ValueError, match=match) as info:
      window_attention(q, k, k, pos, radius=2, impl=impl, query_offset=offset)
    assert "\n" not in str(info.value)


def test_the_offset_form_lowers_to_triton_for_cuda():
  """Forward, dQ and dK/dV with fewer queries than keys pass the Pallas -> Triton lowering."""
  S = jax.ShapeDtypeStruct
  q, kv, pos = S((2, 200, 4, 64), jnp.bfloat16), S((2, 300, 4, 64), jnp.bfloat16), S((2, 300), jnp.int32)
  loss = lambda q, k, v, p: jnp.sum(window_attention_pallas(
      q, k, v, p, radius=40, query_offset=50, interpret=False).astype(jnp.float32))
  assert triton_kernels_in_gradient(loss, q, kv, kv, pos) == 3
