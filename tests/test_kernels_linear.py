"""The Pallas linear-attention kernels (interpret mode on CPU) against the references.

Values are checked against the explicit float64 sum of outer products, gradients against
`jax.vjp` of the jnp reference. Tolerances per input dtype, relative to the largest magnitude of
the compared array (the summary S sums N outer products, so entries grow like sqrt(N) * d):
  float32:  max |got - want| <= 1e-5 * max |want| (values and gradients).
  bfloat16: max |got - want| <= 2e-2 * max |want|, against the float32 result on the same
            bf16-rounded inputs.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from triton_lowering import triton_kernels_in_gradient
from eflow_jax.kernels.linear_attention import (linear_attention, linear_attention_pallas,
                                                linear_attention_reference)

TOL = {jnp.float32: 1e-5, jnp.bfloat16: 2e-2}


def explicit_linear_attention(q, k, v, normalize):
  q, k, v = (np.asarray(a, np.float64) for a in (q, k, v))
  summary = np.einsum("bnhd,bnhe->bhde", k, v)
  if normalize == "mean":
    summary /= k.shape[1]
  return np.einsum("bnhd,bhde->bnhe", q, summary)


def assert_close_relative(got, want, tol, what=""):
  got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
  scale = np.abs(want).max()
  err = np.abs(got - want).max()
  assert err <= tol * scale, f"{what}: max error {err:.3g} > {tol} * {scale:.3g}"


@pytest.mark.parametrize("B,N,H,d,e,normalize,block,dtype", [
    pytest.param(2, 37, 2, 8, 8, "sum", 16, jnp.float32, id="ragged-N37-d8"),
    pytest.param(1, 300, 3, 16, 24, "mean", 32, jnp.float32, id="ragged-N300-d16-e24-mean-splits"),
    pytest.param(2, 64, 2, 12, 12, "sum", 64, jnp.float32, id="d12-one-tile"),
    pytest.param(2, 130, 2, 32, 32, "sum", 16, jnp.bfloat16, id="bf16-ragged"),
    pytest.param(1, 75, 2, 64, 64, "mean", 16, jnp.bfloat16, id="bf16-d64-mean"),
])
def test_values_and_gradients_match_reference(B, N, H, d, e, normalize, block, dtype):
  ks = jax.random.split(jax.random.PRNGKey(N + d), 4)
  q, k = (jax.random.normal(kk, (B, N, H, d), dtype) for kk in ks[:2])
  v = jax.random.normal(ks[2], (B, N, H, e), dtype)
  cot = jax.random.normal(ks[3], (B, N, H, e), dtype)

  def value_and_grads(fn, *args):
    out, vjp = jax.vjp(fn, *args)
    return out, vjp(cot.astype(out.dtype))

  kernel = lambda q, k, v: linear_attention_pallas(q, k, v, normalize=normalize, block=block)
  out, grads = jax.jit(lambda *a: value_and_grads(kernel, *a))(q, k, v)
  assert out.dtype == dtype and all(g.dtype == dtype for g in grads)

  f32 = lambda a: jnp.asarray(a, jnp.float32)
  reference = lambda q, k, v: linear_attention_reference(q, k, v, normalize=normalize)
  want_out, want_grads = jax.jit(lambda *a: value_and_grads(reference, *a))(f32(q), f32(k), f32(v))
  assert_close_relative(out, explicit_linear_attention(q, k, v, normalize), TOL[dtype], "out")
  assert_close_relative(out, want_out, TOL[dtype], "out vs reference")
  for name, got, want in zip("qkv", grads, want_grads):
    assert_close_relative(got, want, TOL[dtype], f"d{name}")


def test_dispatch_pallas_and_auto_match_reference():
  ks = jax.random.split(jax.random.PRNGKey(0), 3)
  q, k, v = (jax.random.normal(kk, (2, 13, 3, 5)) for kk in ks)
  want = linear_attention(q, k, v, impl="reference", normalize="mean")
  for impl in ("pallas", "auto"):
    np.testing.assert_allclose(linear_attention(q, k, v, impl=impl, normalize="mean"), want,
                               rtol=1e-5, atol=1e-5)


def test_kernels_lower_to_triton_for_cuda():
  """Forward (2 kernels) and backward (4 kernels) pass the Pallas -> Triton IR lowering."""
  S = jax.ShapeDtypeStruct
  q = S((2, 300, 4, 64), jnp.bfloat16)
  loss = lambda q, k, v: jnp.sum(linear_attention_pallas(q, k, v, interpret=False).astype(jnp.float32))
  assert triton_kernels_in_gradient(loss, q, q, q) == 6


@pytest.mark.parametrize("kwargs,shape,dtype,match", [
    (dict(impl="cuda"), (1, 8, 1, 8), jnp.float32, "impl"),
    (dict(impl="pallas", normalize="max"), (1, 8, 1, 8), jnp.float32, "normalize"),
    (dict(impl="pallas"), (1, 8, 1, 300), jnp.float32, "head_dim"),
    (dict(impl="pallas"), (1, 8, 1, 8), jnp.int32, "float32, bfloat16"),
])
def test_bad_input_is_a_one_line_value_error(kwargs, shape, dtype, match):
  x = jnp.ones(shape, dtype)
  with pytest.raises(ValueError, match=match) as info:
    linear_attention(x, x, x, **kwargs)
  assert "\n" not in str(info.value)
