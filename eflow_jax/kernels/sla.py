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

Memory: the reference gathers, per query block, the keys of its critical and negligible blocks,
O(N · (n_critical + n_negligible) · block_k). The marginal sum is the total minus those blocks, so it
costs one (head_dim x head_dim) summary per (batch, head), and no N x N buffer exists. At a fixed
count of selected blocks memory is linear in N; at a fixed sparsity *fraction* the selected keys
grow with N, and so does the memory per query.
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


def _gather_blocks(x_blocks, index):
  """x_blocks (B, H, nk, bk, D), index (B, H, nq, m) -> (B, H, nq, m * bk, D)."""
  B, H, nk, bk, D = x_blocks.shape
  picked = jax.vmap(jax.vmap(lambda xb, idx: xb[idx]))(x_blocks, index)      # (B, H, nq, m, bk, D)
  return picked.reshape(B, H, index.shape[2], index.shape[3] * bk, D)


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

  # Sparse branch: softmax over the critical keys only.
  k_sel, v_sel = _gather_blocks(k_blocks, crit), _gather_blocks(v_blocks, crit)
  scores = jnp.einsum("bhqid,bhqjd->bhqij", q_blocks, k_sel) / math.sqrt(D)
  o_sparse = jnp.einsum("bhqij,bhqjd->bhqid", jax.nn.softmax(scores, axis=-1), v_sel)

  # Linear branch: the marginal keys = all keys minus the critical and negligible blocks.
  phi = FEATURE_MAPS[feature_map]
  fq, fk = phi(q_blocks), phi(kh)
  if n_critical + n_negligible == N // block_k:
    o_linear = jnp.zeros_like(o_sparse)
  else:
    excluded = jnp.concatenate([crit, negl], axis=-1)
    fk_ex, v_ex = _gather_blocks(_blocks(fk, block_k), excluded), _gather_blocks(v_blocks, excluded)
    summary = jnp.einsum("bhnd,bhne->bhde", fk, vh)                               # (B, H, D, D)
    numerator = (jnp.einsum("bhqid,bhde->bhqie", fq, summary)
                 - jnp.einsum("bhqid,bhqjd,bhqje->bhqie", fq, fk_ex, v_ex))
    denominator = (jnp.einsum("bhqid,bhd->bhqi", fq, fk.sum(axis=2))
                   - jnp.einsum("bhqid,bhqd->bhqi", fq, fk_ex.sum(axis=3)))
    o_linear = numerator / (denominator[..., None] + EPS)
  back = lambda o: jnp.swapaxes(o.reshape(B, H, N, D), 1, 2).astype(q.dtype)
  return back(o_sparse), back(o_linear)
