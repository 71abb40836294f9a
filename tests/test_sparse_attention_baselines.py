"""SLA and VSA (kernels/sla.py, kernels/vsa.py) against float64 brute force on dense masks.

For each method the routing is recomputed here by a direct top-k on the pooled scores (numpy), the
(N x N) masks it implies are built token by token, and the outputs follow from dense float64
formulas: values against numpy, gradients against jax.vjp of the same dense formulas in float64
(the routing held fixed, as it carries no gradient). Degenerate settings reduce to softmax
attention. float32 inputs: atol = rtol = 2e-5 on values and gradients (scaled by the largest).
"""
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.kernels import sla, vsa
from test_kernels_window import _all_avals

TOL = 2e-5


def random_qkv(seed, B, N, H, D):
  keys = jax.random.split(jax.random.PRNGKey(seed), 4)
  return tuple(jax.random.normal(k, (B, N, H, D)) for k in keys)


def close(got, want, what=""):
  scale = max(1.0, float(np.abs(want).max()))
  np.testing.assert_allclose(np.asarray(got, np.float64) / scale, np.asarray(want) / scale,
                             atol=TOL, rtol=TOL, err_msg=what)


def masked_softmax(q, k, v, mask):
  """Dense softmax attention of (B, N, H, D) arrays over the keys where mask (B, H, N, N) holds."""
  scores = jnp.einsum("bihd,bjhd->bhij", q, k) / np.sqrt(q.shape[-1])
  scores = jnp.where(mask, scores, -jnp.inf)
  return jnp.einsum("bhij,bjhd->bihd", jax.nn.softmax(scores, axis=-1), v)


def with_float64_vjp(fn, arrays, cotangents):
  """Values and gradients of fn(*arrays) in float64."""
  with jax.enable_x64(True):
    a64 = [jnp.asarray(np.asarray(a), jnp.float64) for a in arrays]
    out, vjp = jax.vjp(fn, *a64)
    grads = vjp(tuple(jnp.asarray(np.asarray(c), jnp.float64) for c in cotangents))
    return [np.asarray(o) for o in out], [np.asarray(g) for g in grads]


def kernel_vjp(fn, arrays, cotangents):
  out, vjp = jax.vjp(fn, *arrays)
  return out, vjp(tuple(cotangents))


# ----------------------------------------------------------------------------------------------
# SLA
# ----------------------------------------------------------------------------------------------

def sla_masks(q, k, block_q, block_k, n_critical, n_negligible):
  """(critical, marginal) token masks (B, H, N, N) from a numpy top-k on pooled scores."""
  q, k = (np.asarray(a, np.float64).transpose(0, 2, 1, 3) for a in (q, k))    # (B, H, N, D)
  B, H, N, D = q.shape
  pq = q.reshape(B, H, N // block_q, block_q, D).mean(3)
  pk = (k - k.mean(2, keepdims=True)).reshape(B, H, N // block_k, block_k, D).mean(3)
  order = np.argsort(-np.einsum("bhqd,bhkd->bhqk", pq, pk), axis=-1, kind="stable")
  crit_blocks = np.zeros((B, H, N // block_q, N // block_k), bool)
  excluded = np.zeros_like(crit_blocks)
  np.put_along_axis(crit_blocks, order[..., :n_critical], True, -1)
  np.put_along_axis(excluded, order[..., :n_critical], True, -1)
  if n_negligible:
    np.put_along_axis(excluded, order[..., -n_negligible:], True, -1)
  expand = lambda m: m.repeat(block_q, axis=2).repeat(block_k, axis=3)
  return expand(crit_blocks), ~expand(excluded)


def sla_dense(q, k, v, critical, marginal, feature_map):
  phi = sla.FEATURE_MAPS[feature_map]
  o_s = masked_softmax(q, k, v, critical)
  fq, fk = phi(q), phi(k)
  weights = jnp.einsum("bihd,bjhd->bhij", fq, fk) * marginal
  numerator = jnp.einsum("bhij,bjhd->bihd", weights, v)
  denominator = jnp.swapaxes(weights.sum(-1), 1, 2)[..., None]
  o_l = jnp.where(marginal.any(-1).transpose(0, 2, 1)[..., None], numerator / (denominator + sla.EPS), 0.0)
  return o_s, o_l


@pytest.mark.parametrize("N,block_q,block_k,critical,negligible,feature_map", [
    (64, 16, 16, 0.25, 0.0, "softmax"),        # the official scheme: every other block marginal
    (96, 32, 16, 0.2, 0.3, "elu"),             # the paper's: some blocks skipped
    (64, 16, 8, 0.05, 0.5, "relu"),            # 95% sparsity: one critical block (rounded up to 1)
])
def test_sla_matches_float64_bruteforce(N, block_q, block_k, critical, negligible, feature_map):
  q, k, v, cot = random_qkv(N, 2, N, 2, 8)
  cot2 = jax.random.normal(jax.random.PRNGKey(9), q.shape)
  n_c, n_n = sla.block_counts(N // block_k, critical, negligible)
  crit_mask, marg_mask = sla_masks(q, k, block_q, block_k, n_c, n_n)
  fn = lambda q, k, v: sla.sla_attention(q, k, v, block_q=block_q, block_k=block_k, critical=critical,
                                         negligible=negligible, feature_map=feature_map)
  out, grads = jax.jit(lambda *a: kernel_vjp(fn, a, (cot, cot2)))(q, k, v)
  want, want_grads = with_float64_vjp(
      lambda q, k, v: sla_dense(q, k, v, jnp.asarray(crit_mask), jnp.asarray(marg_mask), feature_map),
      (q, k, v), (cot, cot2))
  for name, got, w in zip(("o_sparse", "o_linear"), out, want):
    close(got, w, name)
  for name, got, w in zip("qkv", grads, want_grads):
    close(got, w, f"d{name}")
  assert np.abs(np.asarray(out[1])).max() > 0.1            # the linear branch is not empty here


def test_sla_routing_is_a_topk_of_pooled_scores():
  q, k, _, _ = random_qkv(3, 2, 128, 3, 8)
  qh, kh = (jnp.swapaxes(a, 1, 2) for a in (q, k))
  crit, negl = sla.sla_routing(qh, kh, block_q=32, block_k=16, n_critical=3, n_negligible=2)
  crit_mask, marg_mask = sla_masks(q, k, 32, 16, 3, 2)
  # Decode the masks back to block sets, per (b, h, query block).
  want_crit = crit_mask[:, :, ::32, ::16]
  want_negl = ~marg_mask[:, :, ::32, ::16] & ~want_crit
  got_crit = np.zeros_like(want_crit)
  got_negl = np.zeros_like(want_negl)
  np.put_along_axis(got_crit, np.asarray(crit), True, -1)
  np.put_along_axis(got_negl, np.asarray(negl), True, -1)
  np.testing.assert_array_equal(got_crit, want_crit)
  np.testing.assert_array_equal(got_negl, want_negl)


def test_sla_with_every_block_critical_is_softmax_attention():
  q, k, v, _ = random_qkv(5, 2, 64, 2, 8)
  o_s, o_l = sla.sla_attention(q, k, v, block_q=16, block_k=16, critical=1.0)
  close(o_s, jax.nn.dot_product_attention(q, k, v), "softmax")
  assert float(jnp.abs(o_l).max()) == 0.0


def test_sla_bad_settings_are_one_line_errors():
  q = jnp.zeros((1, 60, 1, 8))
  with pytest.raises(ValueError, match="multiple of"):
    sla.sla_attention(q, q, q, block_q=16, block_k=16)
  with pytest.raises(ValueError, match="critical"):
    sla.block_counts(8, 0.0, 0.0)
  with pytest.raises(ValueError, match="feature map"):
    sla.sla_attention(jnp.zeros((1, 64, 1, 8)), jnp.zeros((1, 64, 1, 8)), jnp.zeros((1, 64, 1, 8)),
                      block_q=16, block_k=16, feature_map="tanh")


# ----------------------------------------------------------------------------------------------
# VSA
# ----------------------------------------------------------------------------------------------

def vsa_dense_reference(q, k, v, positions, grid, cube, topk):
  """Numpy float64 VSA from its definition, token by token: (o_fine, o_coarse, fine mask)."""
  q, k, v = (np.asarray(a, np.float64) for a in (q, k, v))
  B, N, H, D = q.shape
  ids = np.asarray(vsa.cube_ids(np.asarray(positions), grid, cube))
  num_cubes = int(np.prod([g // c for g, c in zip(grid, cube)]))
  o_fine, o_coarse = np.zeros_like(q), np.zeros_like(q)
  mask = np.zeros((B, H, N, N), bool)
  for b in range(B):
    for h in range(H):
      pooled = [np.stack([a[b, ids[b] == c, h].mean(0) for c in range(num_cubes)]) for a in (q, k, v)]
      scores = pooled[0] @ pooled[1].T / np.sqrt(D)
      probs = np.exp(scores - scores.max(1, keepdims=True))
      probs /= probs.sum(1, keepdims=True)
      coarse = probs @ pooled[2]
      chosen = np.argsort(-scores, axis=1, kind="stable")[:, :min(topk, num_cubes)]
      for i in range(N):
        keys = np.isin(ids[b], chosen[ids[b, i]])
        mask[b, h, i] = keys
        s = q[b, i, h] @ k[b, keys, h].T / np.sqrt(D)
        p = np.exp(s - s.max())
        o_fine[b, i, h] = (p / p.sum()) @ v[b, keys, h]
        o_coarse[b, i, h] = coarse[ids[b, i]]
  return o_fine, o_coarse, mask


@pytest.mark.parametrize("grid,cube,topk,drop", [
    ((2, 4, 8), (1, 2, 4), 2, False),           # 8 cubes of 8 tokens, 2 selected
    ((4, 4, 4), (2, 2, 2), 3, False),
    ((2, 8, 8), (1, 4, 4), 2, True),            # 75% structured drop: 4 kept tokens per cube
])
def test_vsa_matches_float64_bruteforce(grid, cube, topk, drop):
  n_dense = int(np.prod(grid))
  if drop:
    # SPRINT's structured drop: one token kept per (1, 2, 2) group, at a random offset.
    t, h, w = np.meshgrid(np.arange(grid[0]), np.arange(0, grid[1], 2), np.arange(0, grid[2], 2),
                          indexing="ij")
    rng = np.random.default_rng(0)
    base = (t * grid[1] + h) * grid[2] + w
    positions = np.stack([np.sort((base + rng.integers(0, 2, base.shape) * grid[2]
                                   + rng.integers(0, 2, base.shape)).reshape(-1)) for _ in range(2)])
    positions = jnp.asarray(positions, jnp.int32)
  else:
    positions = jnp.broadcast_to(jnp.arange(n_dense, dtype=jnp.int32), (2, n_dense))
  N = positions.shape[1]
  q, k, v, cot = random_qkv(N, 2, N, 2, 8)
  cot2 = jax.random.normal(jax.random.PRNGKey(4), q.shape)
  fn = lambda q, k, v: vsa.vsa_attention(q, k, v, positions, grid=grid, cube=cube, topk=topk)
  out, grads = jax.jit(lambda *a: kernel_vjp(fn, a, (cot, cot2)))(q, k, v)
  want_fine, want_coarse, mask = vsa_dense_reference(q, k, v, positions, grid, cube, topk)
  close(out[0], want_fine, "o_fine")
  close(out[1], want_coarse, "o_coarse")
  assert not mask.all()                                  # a real selection, not full attention

  ids = jnp.asarray(vsa.cube_ids(np.asarray(positions), grid, cube))
  num_cubes = int(np.prod([g // c for g, c in zip(grid, cube)]))
  onehot = jax.nn.one_hot(ids, num_cubes)                                     # (B, N, nc)

  def dense(q, k, v):                      # the same math with the mask fixed, for gradients
    pool = lambda a: jnp.einsum("bnc,bnhd->bchd", onehot, a) / onehot.sum(1)[:, :, None, None]
    pq, pk, pv = pool(q), pool(k), pool(v)
    coarse = jnp.einsum("bhij,bjhd->bihd", jax.nn.softmax(
        jnp.einsum("bihd,bjhd->bhij", pq, pk) / np.sqrt(q.shape[-1]), axis=-1), pv)
    return masked_softmax(q, k, v, jnp.asarray(mask)), jnp.einsum("bnc,bchd->bnhd", onehot, coarse)
  want, want_grads = with_float64_vjp(dense, (q, k, v), (cot, cot2))
  close(want[0], want_fine, "dense fine")
  for name, got, w in zip("qkv", grads, want_grads):
    close(got, w, f"d{name}")


def test_vsa_with_every_cube_selected_is_softmax_attention():
  grid, cube = (2, 4, 4), (1, 2, 2)
  positions = jnp.arange(32, dtype=jnp.int32)[None]
  q, k, v, _ = random_qkv(2, 1, 32, 2, 8)
  o_fine, _ = vsa.vsa_attention(q, k, v, positions, grid=grid, cube=cube, topk=100)
  close(o_fine, jax.nn.dot_product_attention(q, k, v), "softmax")


def test_vsa_bad_geometry_is_a_one_line_error():
  q = jnp.zeros((1, 32, 1, 8))
  with pytest.raises(ValueError, match="does not tile"):
    vsa.vsa_attention(q, q, q, jnp.arange(32)[None], grid=(2, 4, 4), cube=(1, 3, 2), topk=2)


def largest_intermediate(fn, N, D):
  """Elements of the largest array in value+grad of sum(fn(q, k, v)) at (1, N, 1, D) inputs."""
  q = jax.ShapeDtypeStruct((1, N, 1, D), jnp.float32)
  loss = lambda q, k, v: sum(jnp.sum(o) for o in fn(q, k, v))
  closed = jax.make_jaxpr(jax.value_and_grad(loss, (0, 1, 2)))(q, q, q)
  return max(int(np.prod(a.shape)) for a in _all_avals(closed.jaxpr) if hasattr(a, "shape"))


@pytest.mark.parametrize("critical", [0.2, 0.5])
def test_sla_memory_is_linear_in_tokens_at_a_fixed_sparsity_fraction(critical):
  """At a fixed *share* of critical blocks the keys per query grow with N, yet no intermediate of
  value+grad grows faster than N: quadrupling N quadruples the largest one (a gathered version
  grows 16x: at N = 4096 and 50% it holds N x 2048 scores)."""
  fn = lambda q, k, v: sla.sla_attention(q, k, v, block_q=64, block_k=64, critical=critical,
                                         negligible=0.1)
  small, large = largest_intermediate(fn, 1024, 16), largest_intermediate(fn, 4096, 16)
  assert large <= 4 * small, (small, large)
  assert large <= 4 * 4096 * 64, large                       # N x 4 blocks; N x N is 16.8M


@pytest.mark.parametrize("method", ["sla", "vsa"])
def test_memory_is_linear_in_tokens_at_a_fixed_selection(method):
  """Every intermediate of value+grad stays O(N x selected keys): with 4 selected blocks of 16
  (64 keys) per query, nothing reaches N x N at N = 2048."""
  N = 2048
  if method == "sla":
    fn = lambda q, k, v: sla.sla_attention(q, k, v, block_q=16, block_k=16, critical=4 / 128)
  else:
    positions = jnp.arange(N, dtype=jnp.int32)[None]
    fn = lambda q, k, v: vsa.vsa_attention(q, k, v, positions, grid=(8, 16, 16), cube=(1, 4, 4), topk=4)
  largest = largest_intermediate(fn, N, 8)
  assert largest <= 2 * N * 64, largest                  # N x N would be 4.2M


@pytest.mark.parametrize("kind", ["sla", "vsa"])
def test_models_start_from_their_exact_part(kind):
  """The module's zero-initialised extra maps (SLA's proj of the linear branch, VSA's coarse gate)
  make a fresh block compute the exact branch alone, on dense and on dropped tokens."""
  from eflow_jax.models.attention import AttentionSpec, SparseSpec, TokenLayout, make_self_attention
  from eflow_jax.models.rope import grid_coordinates, rope_angles
  grid, heads, dim = (2, 8, 8), 2, 32
  sparse = SparseSpec(sla_block_q=16, sla_block_k=16, sla_critical=0.25, vsa_cube=(1, 4, 4), vsa_topk=2)
  module = make_self_attention(AttentionSpec(kind, heads, sparse=sparse))
  positions = jnp.arange(128, dtype=jnp.int32)[None]
  angles = rope_angles(jnp.asarray(grid_coordinates(grid)), dim // heads)
  tokens = TokenLayout(positions, angles[positions], grid, 0, True)
  x = jax.random.normal(jax.random.PRNGKey(0), (1, 128, dim))
  params = module.init(jax.random.PRNGKey(1), x, tokens)["params"]
  extra = "proj_linear" if kind == "sla" else "gate_coarse"
  assert float(jnp.abs(params[extra]["kernel"]).max()) == 0.0
  out = module.apply({"params": params}, x, tokens)
  # The same block with the extra branch removed by hand: q, k, v through the exact part only.
  from eflow_jax.models.attention import QKV, merge_heads
  from eflow_jax.models.rope import apply_rope
  q, k, v = QKV(heads).apply({"params": params["qkv"]}, x)
  q, k = apply_rope(q, tokens.rope), apply_rope(k, tokens.rope)
  if kind == "sla":
    exact = sla.sla_attention(q, k, v, block_q=16, block_k=16, critical=0.25)[0]
  else:
    exact = vsa.vsa_attention(q, k, v, positions, grid=grid, cube=(1, 4, 4), topk=2)[0]
  dense = lambda a: a @ params["out"]["kernel"] + params["out"]["bias"]
  close(out, dense(merge_heads(exact)), kind)


def test_checkpoints_written_before_the_baselines_stay_readable():
  """A checkpoint's model config without the sla_* / vsa_* fields matches a config holding their
  defaults (checkpoint.model_config_mismatch), and still differs where a field really changed."""
  from eflow_jax import checkpoint, config_lib
  config = json.loads(config_lib.load_config("configs/demo.py").to_json_best_effort())
  old = json.loads(json.dumps(config))
  for field in [f for f in old["model"] if f.startswith(("sla_", "vsa_"))]:
    del old["model"][field]
  assert checkpoint.model_config_mismatch(old, config) is None
  changed = json.loads(json.dumps(config))
  changed["model"]["vsa_topk"] = 3
  assert "model.vsa_topk: checkpoint 32, config 3" in checkpoint.model_config_mismatch(old, changed)


def test_sla_sets_stay_disjoint_when_every_score_ties():
  """Constant queries give every key block the same score: the critical and negligible sets must
  still be disjoint (a block in both would be subtracted twice from the linear branch)."""
  q = jnp.ones((1, 2, 64, 8))
  k = jnp.zeros((1, 2, 64, 8))
  crit, negl = sla.sla_routing(q, k, block_q=16, block_k=16, n_critical=2, n_negligible=2)
  assert not np.intersect1d(np.asarray(crit[0, 0, 0]), np.asarray(negl[0, 0, 0])).size
