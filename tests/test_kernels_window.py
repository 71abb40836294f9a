"""The Pallas window-attention kernel (interpret mode on CPU) against the references.

Values are checked against the float64 brute force (`dense_window_attention`), gradients against
`jax.vjp` of the blocked jnp reference (itself checked against a dense jnp softmax in
test_window_attention.py). Tolerances per input dtype:
  float32:  values atol = rtol = 2e-5; gradients atol = rtol = 5e-5.
  bfloat16: values and gradients atol = rtol = 2e-2, against the float32 result on the same
            bf16-rounded inputs (bf16 has an 8-bit mantissa: one rounding is ~4e-3 relative).
"""
import jax
import jax.extend
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.kernels import pallas_common
from eflow_jax.kernels.window_attention import (window_attention, window_attention_pallas,
                                                window_attention_reference)
from eflow_jax.kernels.window_tiles import tile_bands
from triton_lowering import triton_kernels_in_gradient
from test_window_attention import dense_window_attention, dropped_positions, random_qkv

TOL = {jnp.float32: dict(value=2e-5, grad=5e-5), jnp.bfloat16: dict(value=2e-2, grad=2e-2)}


def structured_drop_positions(B, frames, tokens_per_frame, keep_every, seed=0):
  """SPRINT-like structured drop: in every group of `keep_every` tokens keep one, random offset."""
  rng = np.random.default_rng(seed)
  n = frames * tokens_per_frame
  groups = np.arange(0, n, keep_every)
  return jnp.asarray(np.stack([groups + rng.integers(0, keep_every, groups.shape) for _ in range(B)]),
                     jnp.int32)


def value_and_grads(fn, q, k, v, cot):
  out, vjp = jax.vjp(fn, q, k, v)
  return out, vjp(cot.astype(out.dtype))


CASES = [
    # B, N, H, D, radius, block_q, block_k, positions, dtype
    pytest.param(2, 37, 2, 8, 5, 16, 16, "dense", jnp.float32, id="ragged-N37-D8"),
    pytest.param(2, 130, 2, 32, 12, 32, 16, "dense", jnp.float32, id="ragged-N130-bq32-bk16"),
    pytest.param(1, 50, 1, 12, 100, 16, 32, "dense", jnp.float32, id="window>seq-D12"),
    pytest.param(2, 48, 3, 16, 0, 16, 16, "dense", jnp.float32, id="radius0"),
    pytest.param(2, 45, 2, 8, 15, 16, 16, "random-drop", jnp.float32, id="random-drop-45of120"),
    pytest.param(2, 60, 2, 16, 30, 16, 32, "drop75", jnp.float32, id="structured-drop75"),
    pytest.param(2, 70, 2, 16, 10, 32, 32, "dense", jnp.bfloat16, id="bf16-ragged"),
    pytest.param(2, 60, 1, 32, 20, 16, 16, "drop75", jnp.bfloat16, id="bf16-drop75"),
]


def make_positions(kind, B, N, seed):
  if kind == "dense":
    return jnp.broadcast_to(jnp.arange(N, dtype=jnp.int32), (B, N))
  if kind == "random-drop":
    return dropped_positions(seed, B, 120, N)
  assert kind == "drop75" and N % 3 == 0
  return structured_drop_positions(B, 3, 4 * N // 3, 4, seed)   # 3 frames, keep 1 of every 4


@pytest.mark.parametrize("B,N,H,D,radius,block_q,block_k,kind,dtype", CASES)
def test_values_and_gradients_match_reference(B, N, H, D, radius, block_q, block_k, kind, dtype):
  q, k, v = random_qkv(N + D, B, N, H, D, dtype)
  pos = make_positions(kind, B, N, seed=N)
  cot = jax.random.normal(jax.random.PRNGKey(7), q.shape, dtype)
  kernel = lambda q, k, v: window_attention_pallas(q, k, v, pos, radius=radius, block_q=block_q,
                                                   block_k=block_k)
  out, grads = jax.jit(lambda *a: value_and_grads(kernel, *a, cot))(q, k, v)
  assert out.dtype == dtype and all(g.dtype == dtype for g in grads)

  f32 = lambda a: jnp.asarray(a, jnp.float32)
  reference = lambda q, k, v: window_attention_reference(q, k, v, pos, radius=radius, block_q=16)
  want_out, want_grads = jax.jit(lambda *a: value_and_grads(reference, *a, f32(cot)))(
      f32(q), f32(k), f32(v))
  tol = TOL[dtype]
  np.testing.assert_allclose(f32(out), dense_window_attention(q, k, v, pos, radius),
                             atol=tol["value"], rtol=tol["value"])
  np.testing.assert_allclose(f32(out), want_out, atol=tol["value"], rtol=tol["value"])
  for name, got, want in zip("qkv", grads, want_grads):
    np.testing.assert_allclose(f32(got), want, atol=tol["grad"], rtol=tol["grad"], err_msg=f"d{name}")


def test_band_holds_every_window_partner_and_no_far_tile():
  """tile_bands: each query tile's key-tile range covers all in-window keys and is tight."""
  for pos in (jnp.arange(1000, dtype=jnp.int32)[None],
              structured_drop_positions(1, 4, 250, 4, seed=3)):
    n, radius, bq, bk = pos.shape[1], 37, 32, 16
    n_pad = -(-n // bq) * bq
    pos_p = jnp.pad(pos, ((0, 0), (0, n_pad - n)), constant_values=2**30)
    band = np.asarray(tile_bands(pos_p, pos_p, radius, bq, bk))[0]
    p = np.asarray(pos_p[0])
    for i, (lo, hi) in enumerate(band):
      qp = p[i * bq:(i + 1) * bq]
      partners = np.nonzero((np.abs(qp[:, None] - p[None]) <= radius).any(0))[0]
      assert lo == partners.min() // bk and hi == partners.max() // bk + 1, (i, lo, hi)
    # The span bound of the module docstring, in key tiles.
    widths = band[:, 1] - band[:, 0]
    assert widths.max() <= -(-(bq + 2 * radius) // bk) + 1


def test_key_tiles_outside_the_band_are_never_read():
  """NaNs in v on tiles outside every tested query tile's band do not reach those outputs.

  A kernel that looped over all key tiles and only masked scores would produce NaN (0 * NaN).
  """
  N, radius, tile = 256, 8, 16
  q, k, v = random_qkv(5, 1, N, 1, 16)
  pos = jnp.arange(N, dtype=jnp.int32)[None]
  poisoned = v.at[:, 192:208].set(jnp.nan)            # key tile 12
  out = window_attention_pallas(q, k, poisoned, pos, radius=radius, block_q=tile, block_k=tile)
  want = dense_window_attention(q, k, v, pos, radius)
  # Query tiles 0..10 reach at most key tile 11; tile 13+ starts at 208 >= 207 + radius.
  np.testing.assert_allclose(out[:, :176], want[:, :176], atol=2e-5, rtol=2e-5)
  np.testing.assert_allclose(out[:, 224:], want[:, 224:], atol=2e-5, rtol=2e-5)
  assert np.isnan(np.asarray(out[:, 184:216])).all()  # the poisoned window is read where it should


def _all_avals(jaxpr):
  for eqn in jaxpr.eqns:
    for var in eqn.outvars:
      yield var.aval
    for param in eqn.params.values():
      for sub in (param if isinstance(param, (tuple, list)) else [param]):
        inner = getattr(sub, "jaxpr", sub)
        if isinstance(inner, jax.extend.core.Jaxpr):
          yield from _all_avals(inner)


def test_forward_and_backward_build_no_n_by_n_buffer():
  """Every intermediate of value+grad (kernel bodies included) stays far below N x N."""
  N, radius = 1024, 16
  q = jax.ShapeDtypeStruct((1, N, 1, 16), jnp.float32)
  pos = jax.ShapeDtypeStruct((1, N), jnp.int32)
  loss = lambda q, k, v, p: jnp.sum(window_attention_pallas(q, k, v, p, radius=radius, block_q=64,
                                                            block_k=32))
  closed = jax.make_jaxpr(jax.value_and_grad(loss, (0, 1, 2)))(q, q, q, pos)
  sizes = [int(np.prod(a.shape)) for a in _all_avals(closed.jaxpr) if hasattr(a, "shape")]
  assert max(sizes) <= 2 * N * 16, max(sizes)          # O(N * head_dim); N * N would be 1M


def test_kernels_lower_to_triton_for_cuda():
  """Forward, dQ and dK/dV kernels pass the Pallas -> Triton IR lowering (not compiled or run)."""
  S = jax.ShapeDtypeStruct
  q, pos = S((2, 300, 4, 64), jnp.bfloat16), S((2, 300), jnp.int32)
  loss = lambda q, k, v, p: jnp.sum(window_attention_pallas(
      q, k, v, p, radius=40, interpret=False).astype(jnp.float32))
  assert triton_kernels_in_gradient(loss, q, q, q, pos) == 3


def test_dispatch_auto_is_reference_on_cpu_and_pallas_matches():
  q, k, v = random_qkv(1, 1, 40, 2, 8)
  pos = dropped_positions(2, 1, 90, 40)
  ref = window_attention(q, k, v, pos, radius=9, impl="reference", block_q=16)
  assert pallas_common.resolve_impl("auto", "x") == ("pallas" if jax.default_backend() == "gpu"
                                                      else "reference")
  np.testing.assert_allclose(window_attention(q, k, v, pos, radius=9, impl="auto", block_q=16), ref,
                             atol=2e-5)
  np.testing.assert_allclose(window_attention(q, k, v, pos, radius=9, impl="pallas", block_q=16),
                             ref, atol=2e-5)


@pytest.mark.parametrize("change,match", [
    (dict(impl="triton"), "impl"),
    (dict(positions=jnp.arange(8, dtype=jnp.float32)[None]), "integer"),
    (dict(head_dim=512), "head_dim"),
    (dict(block_q=24), "power of 2"),
    (dict(dtype=jnp.int32), "float32, bfloat16"),
    (dict(radius=-1), "radius"),
])
def test_bad_input_is_a_one_line_value_error(change, match):
  D = change.get("head_dim", 8)
  q = jnp.ones((1, 8, 1, D), change.get("dtype", jnp.float32))
  pos = change.get("positions", jnp.arange(8, dtype=jnp.int32)[None])
  kwargs = dict(radius=change.get("radius", 2), impl=change.get("impl", "pallas"),
                block_q=change.get("block_q", 16))
  with pytest.raises(ValueError, match=match) as info:
    window_attention(q, q, q, pos, **kwargs)
  assert "\n" not in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [jnp.float32, jnp.bfloat16])
def test_larger_video_geometry_with_drop(dtype):
  """4 frames of 12 x 16 tokens, window of 2 frames, 75% drop and dense, default tiles."""
  tokens, frames, H, D = 12 * 16, 4, 2, 64
  radius = tokens                                    # m = 2 frames -> |W| = 2 * tokens
  for pos in (jnp.broadcast_to(jnp.arange(frames * tokens, dtype=jnp.int32), (1, frames * tokens)),
              structured_drop_positions(1, frames, tokens, 4, seed=1)):
    N = pos.shape[1]
    q, k, v = random_qkv(N, 1, N, H, D, dtype)
    cot = jax.random.normal(jax.random.PRNGKey(3), q.shape, dtype)
    kernel = lambda q, k, v: window_attention_pallas(q, k, v, pos, radius=radius)
    out, grads = jax.jit(lambda *a: value_and_grads(kernel, *a, cot))(q, k, v)
    f32 = lambda a: jnp.asarray(a, jnp.float32)
    reference = lambda q, k, v: window_attention_reference(q, k, v, pos, radius=radius)
    want_out, want_grads = jax.jit(lambda *a: value_and_grads(reference, *a, f32(cot)))(
        f32(q), f32(k), f32(v))
    tol = TOL[dtype]
    np.testing.assert_allclose(f32(out), want_out, atol=tol["value"], rtol=tol["value"])
    for got, want in zip(grads, want_grads):
      np.testing.assert_allclose(f32(got), want, atol=tol["grad"], rtol=tol["grad"])
