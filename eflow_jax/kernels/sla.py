"""Sparse-Linear Attention (SLA; Zhang et al. 2025, arXiv 2509.24006; thu-ml/SLA), in jnp.

A baseline the paper compares GLGA with (Fig. 5b). Per (batch, head), with queries in blocks of
`block_q` consecutive tokens and keys in blocks of `block_k`:

  routing     pooled query (mean over its block) · pooled key (mean over its block of k minus
              k's mean over the sequence: SageAttention's "smooth k", as the official code does)
              scores every (query block, key block). Per query block the `n_critical` best key blocks
              are critical, the `n_negligible` worst are negligible, the rest marginal. Top-k is
              not differentiable: the routing carries no gradient (as in the official code).
  sparse      o_s = softmax attention of each query over the keys of its critical blocks only
              (exact, scale 1/sqrt(head_dim)).
  linear      o_l = phi(q) Σ_{marginal} phi(k_j)ᵀ v_j / (phi(q) · Σ_{marginal} phi(k_j)), linear
              attention over the marginal keys (0 when no block is marginal); negligible blocks
              are skipped.
  output      o_s + proj(o_l), with proj a zero-initialised Dense(head_dim) shared by the heads
              (models/attention.py), so training starts from the sparse part alone.

The official kernel marks every non-critical block marginal (no negligible blocks); the paper's
Algorithm keeps a negligible share. Both are this function (n_negligible = 0 is the code's).
Feature maps: 'softmax' (over the head dim, the official default), 'elu' (elu + 1), 'relu'.

Memory is linear in N at any sparsity, in the forward and the backward pass. The sparse branch
visits the critical blocks one selection slot at a time (lax.scan) with an online softmax and a
FlashAttention-style custom VJP, so at most (N x block_k) scores per head are live, where gathering
every query's critical keys at once would hold N x (critical share) x N. The linear branch sums
per-key-block (head_dim x head_dim) summaries under the (nq x nk) block mask. The routing's pooled
scores are (N / block_q) x (N / block_k): quadratic, but smaller than N x N by the two block sizes.
Under token drop the blocks are of the tokens present (consecutive in raster order), and the
routing is computed on them: a dropped subset routes by its own pooled scores.
"""
import functools
import math

import jax
import jax.numpy as jnp

FEATURE_MAPS = {
    "softmax": lambda x: jax.nn.softmax(x, axis=-1),
    "elu": lambda x: jax.nn.elu(x) + 1.0,
    "relu": jax.nn.relu,
}
EPS = 1e-6          # added to the linear branch's denominator (relu features can sum to 0)


def block_counts(num_key_blocks: int, critical: float, negligible: float) -> tuple[int, int]:
  """(n_critical, n_negligible) key blocks per query block for the given fractions: the critical
  count is rounded down as in the official code but kept >= 1, so a short sequence still attends."""
  if not (0.0 < critical <= 1.0 and 0.0 <= negligible < 1.0 and critical + negligible <= 1.0):
    raise ValueError(f"SLA fractions critical={critical}, negligible={negligible}: need 0 < critical <= 1, "
                     f"0 <= negligible, critical + negligible <= 1.")
  n_critical = max(1, int(critical * num_key_blocks))
  n_negligible = min(int(negligible * num_key_blocks), num_key_blocks - n_critical)
  return n_critical, n_negligible


def _blocks(x, size):
  """(B, H, N, D) -> (B, H, N // size, size, D)."""
  B, H, N, D = x.shape
  return x.reshape(B, H, N // size, size, D)


def sla_routing(q, k, *, block_q: int, block_k: int, n_critical: int, n_negligible: int):
  """(critical (B, H, nq, n_critical), negligible (B, H, nq, n_negligible)) key-block indices per
  query block, q and k (B, H, N, D). No gradient flows through the routing."""
  q, k = jax.lax.stop_gradient(q).astype(jnp.float32), jax.lax.stop_gradient(k).astype(jnp.float32)
  pooled_q = _blocks(q, block_q).mean(axis=3)
  pooled_k = _blocks(k - k.mean(axis=2, keepdims=True), block_k).mean(axis=3)
  score = jnp.einsum("bhqd,bhkd->bhqk", pooled_q, pooled_k)
  # One ranking for both ends, so the two sets are disjoint even when scores tie.
  order = jnp.argsort(-score, axis=-1, stable=True)
  return order[..., :n_critical], order[..., order.shape[-1] - n_negligible:]


def _take_blocks(x_blocks, index):
  """x_blocks (B, H, nk, bk, D), index (B, H, nq) -> (B, H, nq, bk, D): one key block per query block."""
  return jax.vmap(jax.vmap(lambda xb, idx: xb[idx]))(x_blocks, index)


def _add_blocks(acc, index, update):
  """acc (B, H, nk, bk, D) plus update (B, H, nq, bk, D) at key blocks index (B, H, nq); query blocks
  that picked the same key block both add (the transpose of _take_blocks)."""
  return jax.vmap(jax.vmap(lambda a, idx, u: a.at[idx].add(u)))(acc, index, update)


def _sparse_forward(q_blocks, k_blocks, v_blocks, critical):
  """Softmax of each query over its critical key blocks, visited one selection slot at a time
  (lax.scan over the n_critical slots) with an online softmax: the largest live tensor is
  (N x block_k) scores per head, whatever the sparsity. Returns the output and the log-sum-exp."""
  scale = 1.0 / math.sqrt(q_blocks.shape[-1])

  def step(carry, index):                                      # index (B, H, nq): slot s's blocks
    m, l, acc = carry
    k_s, v_s = _take_blocks(k_blocks, index), _take_blocks(v_blocks, index)
    s = jnp.einsum("bhqid,bhqjd->bhqij", q_blocks, k_s) * scale
    m_new = jnp.maximum(m, s.max(axis=-1))
    correction = jnp.exp(m - m_new)
    p = jnp.exp(s - m_new[..., None])
    l = l * correction + p.sum(axis=-1)
    acc = acc * correction[..., None] + jnp.einsum("bhqij,bhqjd->bhqid", p, v_s)
    return (m_new, l, acc), None

  stats = q_blocks.shape[:-1]
  init = (jnp.full(stats, -jnp.inf, jnp.float32), jnp.zeros(stats, jnp.float32),
          jnp.zeros(q_blocks.shape, jnp.float32))
  (m, l, acc), _ = jax.lax.scan(step, init, jnp.moveaxis(critical, -1, 0))
  return acc / l[..., None], m + jnp.log(l)


@jax.custom_vjp
def _sparse_branch(q_blocks, k_blocks, v_blocks, critical):
  return _sparse_forward(q_blocks, k_blocks, v_blocks, critical)[0]


def _sparse_branch_fwd(q_blocks, k_blocks, v_blocks, critical):
  out, lse = _sparse_forward(q_blocks, k_blocks, v_blocks, critical)
  return out, (q_blocks, k_blocks, v_blocks, critical, out, lse)


def _sparse_branch_bwd(residuals, d_out):
  """FlashAttention's backward over the same slots: each slot's probabilities are recomputed from
  the saved log-sum-exp, and its dK / dV are added back to the key blocks they came from."""
  q_blocks, k_blocks, v_blocks, critical, out, lse = residuals
  scale = 1.0 / math.sqrt(q_blocks.shape[-1])
  delta = jnp.sum(d_out * out, axis=-1)                                      # (B, H, nq, bq)

  def step(carry, index):
    dq, dk, dv = carry
    k_s, v_s = _take_blocks(k_blocks, index), _take_blocks(v_blocks, index)
    p = jnp.exp(jnp.einsum("bhqid,bhqjd->bhqij", q_blocks, k_s) * scale - lse[..., None])
    dp = jnp.einsum("bhqid,bhqjd->bhqij", d_out, v_s)
    ds = p * (dp - delta[..., None]) * scale
    dq = dq + jnp.einsum("bhqij,bhqjd->bhqid", ds, k_s)
    dk = _add_blocks(dk, index, jnp.einsum("bhqij,bhqid->bhqjd", ds, q_blocks))
    dv = _add_blocks(dv, index, jnp.einsum("bhqij,bhqid->bhqjd", p, d_out))
    return (dq, dk, dv), None

  init = (jnp.zeros_like(q_blocks), jnp.zeros_like(k_blocks), jnp.zeros_like(v_blocks))
  (dq, dk, dv), _ = jax.lax.scan(step, init, jnp.moveaxis(critical, -1, 0))
  return dq, dk, dv, None                                      # the routing carries no gradient


_sparse_branch.defvjp(_sparse_branch_fwd, _sparse_branch_bwd)


@functools.partial(jax.jit, static_argnames=("block_q", "block_k", "critical", "negligible",
                                             "feature_map"))
def sla_attention(q, k, v, *, block_q: int = 64, block_k: int = 64, critical: float = 0.05,
                  negligible: float = 0.0, feature_map: str = "softmax"):
  """(o_sparse, o_linear) for q, k, v (B, N, heads, head_dim); N a multiple of both block sizes.

  critical / negligible: fractions of the key blocks (critical 0.05 = the official 95% sparsity;
  the paper's runs use 0.2, 80%). Both outputs (B, N, heads, head_dim) in q's dtype; the caller
  adds o_sparse + proj(o_linear).
  """
  B, N, H, D = q.shape
  if N % block_q or N % block_k:
    raise ValueError(f"SLA needs the token count ({N}) to be a multiple of model.sla_block_q "
                     f"({block_q}) and model.sla_block_k ({block_k}).")
  if feature_map not in FEATURE_MAPS:
    raise ValueError(f"unknown SLA feature map {feature_map!r}; one of {', '.join(FEATURE_MAPS)}.")
  n_critical, n_negligible = block_counts(N // block_k, critical, negligible)
  qh, kh, vh = (jnp.swapaxes(a, 1, 2).astype(jnp.float32) for a in (q, k, v))  # (B, H, N, D)
  crit, negl = sla_routing(qh, kh, block_q=block_q, block_k=block_k, n_critical=n_critical,
                           n_negligible=n_negligible)
  q_blocks = _blocks(qh, block_q)                                                  # (B, H, nq, bq, D)
  k_blocks, v_blocks = _blocks(kh, block_k), _blocks(vh, block_k)

  # Sparse branch: softmax over the critical keys only, streamed slot by slot.
  o_sparse = _sparse_branch(q_blocks, k_blocks, v_blocks, crit)

  # Linear branch over the marginal blocks: each key block's (D x D) summary phi(k)^T v, summed per
  # query block under the (nq x nk) marginal mask, so no per-query key set is ever gathered.
  phi = FEATURE_MAPS[feature_map]
  nk = N // block_k
  if n_critical + n_negligible == nk:
    o_linear = jnp.zeros_like(o_sparse)
  else:
    excluded = jax.nn.one_hot(jnp.concatenate([crit, negl], axis=-1), nk).sum(axis=-2)
    marginal = 1.0 - excluded                                                     # (B, H, nq, nk)
    fq, fk_blocks = phi(q_blocks), phi(k_blocks)
    kv = jnp.einsum("bhkjd,bhkje->bhkde", fk_blocks, v_blocks)                  # (B, H, nk, D, D)
    numerator = jnp.einsum("bhqid,bhqde->bhqie", fq, jnp.einsum("bhqk,bhkde->bhqde", marginal, kv))
    denominator = jnp.einsum("bhqid,bhqd->bhqi", fq,
                             jnp.einsum("bhqk,bhkd->bhqd", marginal, fk_blocks.sum(axis=3)))
    o_linear = numerator / (denominator[..., None] + EPS)
  back = lambda o: jnp.swapaxes(o.reshape(B, H, N, D), 1, 2).astype(q.dtype)
  return back(o_sparse), back(o_linear)
