"""GLGA's global branch, gate and the whole module on token-dropped subsets, against dense references."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.kernels.linear_attention import linear_attention
from eflow_jax.models.attention import GLGA, AttentionSpec, SanaLinearAttention, TokenLayout, make_self_attention
from eflow_jax.models.rope import apply_rope, grid_coordinates, rope_angles
from conftest import randomize


def test_linear_branch_is_the_explicit_sum_of_outer_products():
  ks = jax.random.split(jax.random.PRNGKey(0), 3)
  q, k, v = (jax.random.normal(kk, (2, 13, 3, 5)) for kk in ks)
  out = linear_attention(q, k, v)
  qn, kn, vn = (np.asarray(a, np.float64) for a in (q, k, v))
  want = np.zeros_like(qn)
  for b in range(2):
    for h in range(3):
      S = sum(np.outer(kn[b, j, h], vn[b, j, h]) for j in range(13))   # sum_j K_j^T V_j, no denominator
      want[b, :, h] = qn[b, :, h] @ S
  np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)
  np.testing.assert_allclose(linear_attention(q, k, v, normalize="mean"), want / 13, rtol=1e-5, atol=1e-5)


def rms_norm(x, scale, eps=1e-6):
  return x / np.sqrt(np.mean(x**2, -1, keepdims=True) + eps) * scale


def dense_masked_glga(p, x, keep_mask, grid, radius, heads):
  """GLGA evaluated on the *dense* sequence with dropped tokens masked out (float64 numpy).

  Linear branch: the sum runs over kept tokens only. Window branch: an N x N softmax whose mask
  admits kept keys within the radius in raster position. Rows of dropped queries are meaningless.
  """
  x = np.asarray(x, np.float64)
  B, N, Dm = x.shape
  hd = Dm // heads
  qkv = x @ np.asarray(p["qkv"]["qkv"]["kernel"]) + np.asarray(p["qkv"]["qkv"]["bias"])
  q, k, v = np.split(qkv, 3, -1)
  q = rms_norm(q, np.asarray(p["qkv"]["q_norm"]["scale"]))
  k = rms_norm(k, np.asarray(p["qkv"]["k_norm"]["scale"]))
  q, k, v = (a.reshape(B, N, heads, hd) for a in (q, k, v))
  angles = np.broadcast_to(np.asarray(rope_angles(jnp.asarray(grid_coordinates(grid)), hd)), (B, N, hd // 2))
  rot = lambda a: np.asarray(apply_rope(jnp.asarray(a, jnp.float32), jnp.asarray(angles)), np.float64)
  q, k = rot(q), rot(k)
  m = keep_mask.astype(np.float64)
  S = np.einsum("bnhd,bnhe,bn->bhde", k, v, m)
  o_global = np.einsum("bnhd,bhde->bnhe", q, S).reshape(B, N, Dm)
  pos = np.arange(N)
  allowed = (np.abs(pos[:, None] - pos[None]) <= radius)[None] & keep_mask[:, None, :]
  scores = np.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(hd)
  scores = np.where(allowed[:, None], scores, -np.inf)
  probs = np.exp(scores - scores.max(-1, keepdims=True))
  probs /= probs.sum(-1, keepdims=True)
  o_local = np.einsum("bhqk,bkhd->bqhd", probs, v).reshape(B, N, Dm)
  o_global = rms_norm(o_global, np.asarray(p["global_norm"]["scale"]))
  o_local = rms_norm(o_local, np.asarray(p["local_norm"]["scale"]))
  gates = 1 / (1 + np.exp(-(x @ np.asarray(p["gate"]["kernel"]) + np.asarray(p["gate"]["bias"]))))
  out = gates[..., :1] * o_global + gates[..., 1:] * o_local
  return out @ np.asarray(p["out"]["kernel"]) + np.asarray(p["out"]["bias"])


def layout(positions, grid, radius, dense):
  hd_angles = rope_angles(jnp.asarray(grid_coordinates(grid)), 8)
  rope = jax.vmap(lambda idx: hd_angles[idx])(positions)
  return TokenLayout(positions, rope, grid, radius, dense)


@pytest.mark.parametrize("keep", [96, 40])
def test_glga_on_dropped_subset_equals_dense_glga_with_dropped_tokens_masked(keep):
  grid, radius, heads, dim = (3, 8, 4), 20, 2, 16
  N = 3 * 8 * 4
  rng = np.random.default_rng(keep)
  keep_idx = np.stack([np.sort(rng.choice(N, keep, replace=False)) for _ in range(2)]).astype(np.int32)
  x_dense = jax.random.normal(jax.random.PRNGKey(1), (2, N, dim))
  module = GLGA(heads, window_block=16)
  full = layout(jnp.broadcast_to(jnp.arange(N, dtype=jnp.int32), (2, N)), grid, radius, True)
  params = randomize(module.init(jax.random.PRNGKey(0), x_dense, full)["params"], 3, 0.3)

  x_kept = jax.vmap(lambda a, i: a[i])(x_dense, keep_idx)
  sparse = layout(jnp.asarray(keep_idx), grid, radius, keep == N)
  got = module.apply({"params": params}, x_kept, sparse)

  keep_mask = np.zeros((2, N), bool)
  np.put_along_axis(keep_mask, keep_idx, True, axis=1)
  want = dense_masked_glga(params, x_dense, keep_mask, grid, radius, heads)
  want = np.take_along_axis(want, keep_idx[..., None], axis=1)
  np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-4)


def test_gate_routes_first_gate_to_global_branch():
  """With the gate saturated at (1, 0), GLGA equals the 'linear' ablation with the same weights."""
  grid, dim = (2, 4, 4), 16
  N = 32
  x = jax.random.normal(jax.random.PRNGKey(0), (1, N, dim))
  tokens = layout(jnp.arange(N, dtype=jnp.int32)[None], grid, 8, True)
  gated = make_self_attention(AttentionSpec("glga", num_heads=2, impl="reference"))
  params = randomize(gated.init(jax.random.PRNGKey(0), x, tokens)["params"], 1)
  params["gate"] = {"kernel": jnp.zeros_like(params["gate"]["kernel"]), "bias": jnp.array([40.0, -40.0])}
  linear_only = make_self_attention(AttentionSpec("linear", num_heads=2, impl="reference"))
  sub = {k: v for k, v in params.items() if k not in ("gate", "local_norm")}
  np.testing.assert_allclose(gated.apply({"params": params}, x, tokens),
                             linear_only.apply({"params": sub}, x, tokens), rtol=1e-5, atol=1e-5)
  summed = make_self_attention(AttentionSpec("glga_sum", num_heads=2, impl="reference"))
  params["gate"]["bias"] = jnp.array([40.0, 40.0])
  sub = {k: v for k, v in params.items() if k != "gate"}
  np.testing.assert_allclose(gated.apply({"params": params}, x, tokens),
                             summed.apply({"params": sub}, x, tokens), rtol=1e-5, atol=1e-5)


def test_sana_attention_is_relu_linear_attention_with_unrotated_denominator():
  grid, dim, heads = (1, 4, 4), 8, 2
  N, hd = 16, 4
  x = jax.random.normal(jax.random.PRNGKey(2), (1, N, dim))
  angles = rope_angles(jnp.asarray(grid_coordinates(grid)), hd)[None]
  tokens = TokenLayout(jnp.arange(N)[None], angles, grid, 4, True)
  module = SanaLinearAttention(heads, qk_norm=False)
  p = randomize(module.init(jax.random.PRNGKey(0), x, tokens)["params"], 4, 0.5)
  got = module.apply({"params": p}, x, tokens)
  qkv = np.asarray(x[0], np.float64) @ np.asarray(p["qkv"]["qkv"]["kernel"]) + np.asarray(p["qkv"]["qkv"]["bias"])
  q, k, v = (np.maximum(a, 0) if i < 2 else a for i, a in enumerate(np.split(qkv, 3, -1)))
  out = np.zeros((N, dim))
  for h in range(heads):
    sl = slice(h * hd, (h + 1) * hd)
    qr = np.asarray(apply_rope(jnp.asarray(q[None, :, None, sl], jnp.float32), angles))[0, :, 0]
    kr = np.asarray(apply_rope(jnp.asarray(k[None, :, None, sl], jnp.float32), angles))[0, :, 0]
    for i in range(N):
      num = sum((qr[i] @ kr[j]) * v[j, sl] for j in range(N))
      den = sum(q[i, sl] @ k[j, sl] for j in range(N))
      out[i, sl] = num / (den + 1e-6)
  want = out @ np.asarray(p["out"]["kernel"]) + np.asarray(p["out"]["bias"])
  np.testing.assert_allclose(got[0], want, rtol=1e-4, atol=1e-4)


def test_unknown_attention_name_is_rejected_with_the_choices():
  with pytest.raises(ValueError, match="softmax, glga, linear, window, glga_sum, sana"):
    make_self_attention(AttentionSpec("flash", num_heads=2, impl="reference"))
