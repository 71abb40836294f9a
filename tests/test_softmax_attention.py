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
