"""The softmax dispatcher: which implementation it picks, and that it computes softmax attention."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.kernels.softmax_attention import softmax_attention, softmax_implementation


@pytest.mark.parametrize("impl, dtype, head_dim, backend, expected", [
    ("auto", jnp.bfloat16, 64, "gpu", "cudnn"),
    ("pallas", jnp.float16, 128, "gpu", "cudnn"),
    ("reference", jnp.bfloat16, 64, "gpu", None),     # the reference is XLA's everywhere
    ("auto", jnp.float32, 64, "gpu", None),           # cuDNN refuses float32
    ("auto", jnp.bfloat16, 60, "gpu", None),          # head_dim not a multiple of 8
    ("auto", jnp.bfloat16, 256, "gpu", None),         # head_dim over cuDNN's limit
    ("auto", jnp.bfloat16, 64, "cpu", None),
    ("auto", jnp.bfloat16, 64, "tpu", None),
])
def test_cudnn_only_where_it_takes_the_inputs(impl, dtype, head_dim, backend, expected):
  assert softmax_implementation(impl, dtype, head_dim, backend) == expected


def test_unknown_impl_is_refused_with_the_choices():
  with pytest.raises(ValueError, match="reference, pallas, auto"):
    softmax_implementation("flash", jnp.bfloat16, 64, "gpu")


@pytest.mark.parametrize("impl", ["reference", "auto"])
def test_matches_dense_softmax_written_out(impl):
  kq, kk, kv = jax.random.split(jax.random.key(0), 3)
  b, n, h, d = 2, 37, 3, 16
  q, k, v = (jax.random.normal(key, (b, n, h, d)) for key in (kq, kk, kv))
  scores = np.einsum("bqhd,bkhd->bhqk", np.float64(q), np.float64(k)) / np.sqrt(d)
  p = np.exp(scores - scores.max(-1, keepdims=True))
  expected = np.einsum("bhqk,bkhd->bqhd", p / p.sum(-1, keepdims=True), np.float64(v))
  np.testing.assert_allclose(softmax_attention(q, k, v, impl=impl), expected, atol=2e-5)


def dense_float64(q, k, v, d_out):
  """Softmax attention and its input gradients for the loss sum(out * d_out), in float64, written
  out (the softmax Jacobian by hand): the reference for the blocked version."""
  q, k, v, g = (np.asarray(a, np.float64) for a in (q, k, v, d_out))
  scale = 1.0 / np.sqrt(q.shape[-1])
  s = np.einsum("bqhd,bkhd->bhqk", q, k) * scale
  p = np.exp(s - s.max(-1, keepdims=True))
  p /= p.sum(-1, keepdims=True)
  out = np.einsum("bhqk,bkhd->bqhd", p, v)
  dp = np.einsum("bqhd,bkhd->bhqk", g, v)
  ds = p * (dp - np.sum(dp * p, axis=-1, keepdims=True))
  dq = np.einsum("bhqk,bkhd->bqhd", ds, k) * scale
  dk = np.einsum("bhqk,bqhd->bkhd", ds, q) * scale
  dv = np.einsum("bhqk,bqhd->bkhd", p, g)
  return out, dq, dk, dv


@pytest.mark.parametrize("n, block_k", [(64, 16), (37, 16), (50, 64), (200, 32)])
def test_blocked_softmax_matches_float64_values_and_gradients(n, block_k):
  """Ragged lengths (a padded last key block), one block, many blocks."""
  from eflow_jax.kernels.softmax_attention import blocked_softmax_attention
  kq, kk, kv, kg = jax.random.split(jax.random.key(1), 4)
  b, h, d = 2, 3, 16
  q, k, v, g = (2.0 * jax.random.normal(key, (b, n, h, d)) for key in (kq, kk, kv, kg))
  out, vjp = jax.vjp(lambda *a: blocked_softmax_attention(*a, block_k=block_k), q, k, v)
  want = dense_float64(q, k, v, g)
  np.testing.assert_allclose(out, want[0], atol=2e-5, rtol=1e-5)
  for got, expected in zip(vjp(g), want[1:]):
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=1e-4)


def test_blocked_softmax_keeps_no_n_by_n_buffer():
  """At 4096 tokens the dense program holds N x N scores per head (64 MiB in float32 here); the
  blocked one's largest intermediate, forward and backward, is N x block_k per head."""
  from eflow_jax.kernels.softmax_attention import blocked_softmax_attention
  b, n, h, d = 1, 4096, 1, 16
  x = jax.ShapeDtypeStruct((b, n, h, d), jnp.float32)
  loss = lambda f: (lambda q, k, v: jnp.sum(f(q, k, v)))
  def biggest(f):
    text = jax.jit(jax.grad(loss(f), argnums=(0, 1, 2))).lower(x, x, x).as_text()
    sizes = []
    for line in text.splitlines():
      for shape in __import__("re").findall(r"tensor<([0-9x]+)xf32>", line):
        sizes.append(int(np.prod([int(s) for s in shape.split("x")])))
    return max(sizes)
  assert biggest(lambda q, k, v: jax.nn.dot_product_attention(q, k, v)) >= n * n
  assert biggest(lambda q, k, v: blocked_softmax_attention(q, k, v, block_k=256)) <= n * 256 * h


def test_auto_uses_the_blocked_softmax_for_long_sequences_off_gpu(monkeypatch):
  from eflow_jax.kernels import softmax_attention as sa
  calls = []
  monkeypatch.setattr(sa, "blocked_softmax_attention", lambda q, k, v: calls.append(q.shape) or q)
  x = jnp.zeros((1, sa.BLOCKED_MIN_TOKENS, 1, 8))
  sa.softmax_attention(x, x, x, impl="auto")
  sa.softmax_attention(x, x, x, impl="reference")
  sa.softmax_attention(x[:, :256], x[:, :256], x[:, :256], impl="auto")
  assert calls == [x.shape]
