"""The fused GLGA kernels (interpret mode on CPU) against float64 brute force.

References, independent of the kernels and of the blocked jnp references:
  values:    numpy float64: o_global = c (qg kg^T) v summed densely (Eq. 5), o_local = a dense
             softmax with the mask |pos_i - pos_j| <= radius (Eq. 6);
  gradients: jax.vjp of the same dense formulas in float64 (jax.enable_x64).
Tolerances: float32 inputs atol = rtol = 5e-5 (values and gradients); bfloat16 2e-2 against the
float64 result on the same bf16-rounded inputs.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest


from eflow_jax.kernels.glga_fused import (GLGATiling, KernelTiling, glga_branches,
                                          glga_branches_pallas, kernel_costs)
from test_kernels_window import _all_avals, structured_drop_positions
from test_window_attention import dropped_positions


def dense_branches(ql, kl, qg, kg, v, positions, radius, scale_c):
  """Both branches by their definitions, O(N^2), in whatever precision the inputs have."""
  o_global = scale_c * jnp.einsum("bihd,bjhd,bjhe->bihe", qg, kg, v)
  scores = jnp.einsum("bihd,bjhd->bhij", ql, kl) / np.sqrt(ql.shape[-1])
  inside = jnp.abs(positions[:, :, None] - positions[:, None, :]) <= radius
  scores = jnp.where(inside[:, None], scores, -jnp.inf)
  o_local = jnp.einsum("bhij,bjhd->bihd", jax.nn.softmax(scores, axis=-1), v)
  return o_global, o_local


def float64_reference(arrays, positions, radius, scale_c, cotangents):
  """Values and gradients (ql, kl, qg, kg, v) of the dense formulas in float64."""
  with jax.enable_x64(True):
    a64 = [jnp.asarray(np.asarray(a, np.float32), jnp.float64) for a in arrays]
    pos = jnp.asarray(np.asarray(positions), jnp.int64)
    fn = lambda *a: dense_branches(*a, pos, radius, scale_c)
    out, vjp = jax.vjp(fn, *a64)
    grads = vjp(tuple(jnp.asarray(np.asarray(c, np.float32), jnp.float64) for c in cotangents))
    return [np.asarray(o) for o in out], [np.asarray(g) for g in grads]


def make_positions(kind, B, N, seed):
  if kind == "dense":
    return jnp.broadcast_to(jnp.arange(N, dtype=jnp.int32), (B, N))
  if kind == "random-drop":
    return dropped_positions(seed, B, 3 * N, N)
  return structured_drop_positions(B, 3, 4 * N // 3, 4, seed)   # keep 1 of every 4, 3 frames


TILE = KernelTiling(16, 16)
MIXED = GLGATiling(fwd=KernelTiling(16, 32), dq=KernelTiling(32, 16), dkv=KernelTiling(16, 16),
                   summary_block=32)
CASES = [
    # B, N, H, D, radius, positions, shared q/k, normalize, tiling, dtype
    pytest.param(2, 37, 2, 8, 5, "dense", True, "sum", GLGATiling(TILE, TILE, TILE, 16),
                 jnp.float32, id="ragged-N37-D8"),
    pytest.param(2, 96, 2, 16, 20, "dense", False, "mean", MIXED, jnp.float32,
                 id="own-qk-per-branch-mean-mixed-tiles"),
    pytest.param(2, 45, 2, 16, 15, "random-drop", False, "sum", MIXED, jnp.float32,
                 id="random-drop"),
    pytest.param(2, 60, 2, 16, 30, "drop75", True, "mean", GLGATiling(), jnp.float32,
                 id="structured-drop75-default-tiles"),
    pytest.param(1, 50, 1, 12, 100, "dense", True, "sum", MIXED, jnp.float32, id="window>seq-D12"),
    pytest.param(2, 60, 2, 32, 20, "drop75", False, "mean", MIXED, jnp.bfloat16, id="bf16-drop75"),
]


@pytest.mark.parametrize("B,N,H,D,radius,kind,shared,normalize,tiling,dtype", CASES)
def test_fused_branches_match_float64_bruteforce(B, N, H, D, radius, kind, shared, normalize,
                                                 tiling, dtype):
  keys = jax.random.split(jax.random.PRNGKey(N + D), 7)
  ql, kl, v = (jax.random.normal(k, (B, N, H, D), dtype) for k in keys[:3])
  # A distinct global pair as with a feature map (elu+1 keeps the linear branch's scale tame).
  qg, kg = (ql, kl) if shared else (jax.nn.elu(ql) + 1, jax.nn.elu(kl) + 1)
  cots = tuple(jax.random.normal(k, (B, N, H, D), dtype) for k in keys[5:7])
  pos = make_positions(kind, B, N, seed=N)

  def run(ql, kl, qg, kg, v):
    fn = lambda *a: glga_branches_pallas(*a, pos, radius=radius, normalize=normalize, tiling=tiling)
    out, vjp = jax.vjp(fn, ql, kl, qg, kg, v)
    return out, vjp(cots)
  out, grads = jax.jit(run)(ql, kl, qg, kg, v)
  assert all(o.dtype == dtype for o in out) and all(g.dtype == dtype for g in grads)

  scale_c = 1.0 if normalize == "sum" else 1.0 / N
  want_out, want_grads = float64_reference((ql, kl, qg, kg, v), pos, radius, scale_c, cots)
  tol = 5e-5 if dtype == jnp.float32 else 2e-2
  f32 = lambda a: np.asarray(jnp.asarray(a, jnp.float32))
  for name, got, want in zip(("o_global", "o_local"), out, want_out):
    scale = max(1.0, np.abs(want).max())           # the summed linear branch grows like N
    np.testing.assert_allclose(f32(got) / scale, want / scale, atol=tol, rtol=tol, err_msg=name)
  for name, got, want in zip(("dql", "dkl", "dqg", "dkg", "dv"), grads, want_grads):
    scale = max(1.0, np.abs(want).max())
    np.testing.assert_allclose(f32(got) / scale, want / scale, atol=tol, rtol=tol, err_msg=name)


def test_dispatch_reference_and_pallas_agree_and_shared_inputs_add_gradients():
  """glga_branches('pallas') equals glga_branches('reference'); with the same q, k passed to both
  branches the gradient is the sum of the branches' gradients (what GLGA with no feature map uses)."""
  B, N, H, D, radius = 2, 48, 2, 16, 12
  q, k, v = (jax.random.normal(kk, (B, N, H, D)) for kk in jax.random.split(jax.random.PRNGKey(4), 3))
  pos = make_positions("drop75", B, N, seed=1)

  def loss(impl, q, k, v):
    o_g, o_l = glga_branches(q, k, q, k, v, pos, radius=radius, normalize="mean", impl=impl,
                             block_q=16)
    return jnp.sum(o_g * jnp.sin(o_l))
  got = jax.jit(jax.value_and_grad(lambda *a: loss("pallas", *a), (0, 1, 2)))(q, k, v)
  want = jax.jit(jax.value_and_grad(lambda *a: loss("reference", *a), (0, 1, 2)))(q, k, v)
  np.testing.assert_allclose(got[0], want[0], rtol=5e-5)
  for g, w in zip(got[1], want[1]):
    np.testing.assert_allclose(g, w, atol=5e-5, rtol=5e-5)


def test_kernel_costs_count_the_tiles_in_window():
  """Executed FLOPs of the window products = 4 (fwd), 6 (dq), 8 (dkv) x bq x bk x Dp per pair of
  (query tile, key tile) holding at least one in-window pair, counted by brute force, plus the
  linear branch's dense products."""
  N, H, D, radius, t = 200, 3, 16, 23, 16
  for pos in (np.arange(N)[None], np.asarray(structured_drop_positions(2, 5, 160, 4, seed=2))):
    tiling = GLGATiling(KernelTiling(t, t), KernelTiling(t, t), KernelTiling(t, t), t)
    costs = kernel_costs(pos, H, D, radius, tiling)
    B, n = pos.shape
    n_pad = -(-n // t) * t
    p = np.pad(pos, ((0, 0), (0, n_pad - n)), constant_values=2**30)
    pairs = 0
    for b in range(B):
      near = np.abs(p[b][:, None] - p[b][None]) <= radius
      tiles = near.reshape(n_pad // t, t, n_pad // t, t).any(axis=(1, 3))
      pairs += int(tiles.sum())
    dense_linear = 2 * B * H * n_pad * D * D
    assert costs["fwd"]["flops"] == H * pairs * 4 * t * t * D + dense_linear
    assert costs["dq"]["flops"] == H * pairs * 6 * t * t * D + dense_linear
    assert costs["dkv"]["flops"] == H * pairs * 8 * t * t * D + 2 * dense_linear
    assert costs["summary"]["flops"] == costs["dsummary"]["flops"] == dense_linear
    # Bytes (itemsize 2): every visited key tile's k and v, and per program its q tiles (local and
    # global), both outputs, the f32 (D x D) summary and the f32 log-sum-exp of its rows.
    programs = B * H * n_pad // t
    assert costs["fwd"]["bytes"] == (H * pairs * 2 * t * D * 2
                                     + programs * (4 * t * D * 2 + D * D * 4 + 4 * t))


def test_bad_inputs_fail_early_with_one_line():
  q = jnp.zeros((1, 32, 2, 16))
  pos = jnp.arange(32, dtype=jnp.int32)[None]
  with pytest.raises(ValueError, match="one shape"):
    glga_branches_pallas(q, q, q[:, :16], q, q, pos, radius=4)
  with pytest.raises(ValueError, match="power of 2"):
    glga_branches_pallas(q, q, q, q, q, pos, radius=4, tiling=GLGATiling.uniform(24))


def test_forward_and_backward_build_no_n_by_n_buffer():
  """Every intermediate of value+grad (kernel bodies included) stays O(N * head_dim)."""
  N = 1024
  q = jax.ShapeDtypeStruct((1, N, 1, 16), jnp.float32)
  pos = jax.ShapeDtypeStruct((1, N), jnp.int32)

  def loss(q, k, v, p):
    o_global, o_local = glga_branches_pallas(q, k, q, k, v, p, radius=16)
    return jnp.sum(o_global * o_local)
  closed = jax.make_jaxpr(jax.value_and_grad(loss, (0, 1, 2)))(q, q, q, pos)
  sizes = [int(np.prod(a.shape)) for a in _all_avals(closed.jaxpr) if hasattr(a, "shape")]
  assert max(sizes) <= 2 * N * 16, max(sizes)          # N * N would be 1M
