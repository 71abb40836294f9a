"""Full softmax attention behind the same `impl` switch as the GLGA kernels.

The softmax blocks (every K-th GLGA block and the whole softmax baseline) should run on the best
softmax the hardware has, or the baseline is slow for the wrong reason: XLA's softmax keeps every
(N x N) score matrix for the backward pass, cuDNN's flash attention does not. So:
  'reference'  `jax.nn.dot_product_attention` with XLA's implementation (any backend).
  'pallas' / 'auto'  on a GPU, cuDNN flash attention when cuDNN takes the inputs (bf16 / fp16,
               head_dim a multiple of 8 and <= 128). Elsewhere (CPU, TPU, float32) sequences of
               at least BLOCKED_MIN_TOKENS run `blocked_softmax_attention` below (flash-style, O(N)
               memory, exact), shorter ones XLA's dense softmax, which is faster there. There is no
               softmax Pallas kernel of ours: cuDNN's is the strong baseline to beat.
"""
import functools
import math

from absl import logging
import jax
import jax.numpy as jnp

from eflow_jax.kernels import pallas_common as pc

CUDNN_DTYPES = (jnp.bfloat16, jnp.float16)
CUDNN_MAX_HEAD_DIM = 128
# Off-GPU, 'auto' / 'pallas' switch to the blocked softmax from this many tokens on: below it the
# N x N scores are small and XLA's dense softmax is the faster of the two.
BLOCKED_MIN_TOKENS = 1024
BLOCK_K = 256


def softmax_implementation(impl: str, dtype, head_dim: int, backend: str) -> str | None:
  """The `implementation` argument of `jax.nn.dot_product_attention`: 'cudnn' or None (XLA)."""
  if impl not in pc.IMPLS:
    raise ValueError(f"unknown softmax-attention impl {impl!r}; set attention_impl to one of "
                     f"{', '.join(pc.IMPLS)}.")
  cudnn_takes_it = (jnp.dtype(dtype) in [jnp.dtype(d) for d in CUDNN_DTYPES]
                    and head_dim % 8 == 0 and head_dim <= CUDNN_MAX_HEAD_DIM)
  if impl != "reference" and backend == "gpu" and cudnn_takes_it:
    return "cudnn"
  return None


def softmax_attention(q, k, v, *, impl: str = "reference"):
  """softmax(q k^T / sqrt(d)) v for (B, N, heads, head_dim) q, k, v."""
  implementation = softmax_implementation(impl, q.dtype, q.shape[-1], jax.default_backend())
  if implementation == "cudnn":
    try:
      return jax.nn.dot_product_attention(q, k, v, implementation="cudnn")
    except (ValueError, NotImplementedError, RuntimeError) as e:   # raised while tracing
      logging.warning("cuDNN refused softmax attention %s (%s); using XLA's.", q.shape, e)
  if impl != "reference" and q.shape[1] >= BLOCKED_MIN_TOKENS:
    return blocked_softmax_attention(q, k, v)
  return jax.nn.dot_product_attention(q, k, v)


# ----------------------------------------------------------------------------------------------
# Flash-style softmax attention in jnp: O(N) memory in the forward and the backward pass.
# ----------------------------------------------------------------------------------------------
def blocked_softmax_attention(q, k, v, block_k: int = BLOCK_K):
  """Exact softmax attention, keys visited block by block (lax.scan) with an online softmax, and a
  custom VJP that recomputes each block's scores from the saved log-sum-exp (FlashAttention's
  backward), so neither pass keeps an N x N matrix: the largest live tensor is N x block_k per head.
  (B, N, heads, head_dim) in, q's dtype out; statistics and accumulators in float32."""
  return _blocked(q, k, v, min(block_k, k.shape[1]))


def _key_blocks(x, block_k: int):
  """(B, N, H, D) -> (n_blocks, B, block_k, H, D), zero-padded; and the padded length."""
  n = x.shape[1]
  n_pad = math.ceil(n / block_k) * block_k
  x = jnp.pad(x, ((0, 0), (0, n_pad - n), (0, 0), (0, 0)))
  return jnp.moveaxis(x.reshape(x.shape[0], n_pad // block_k, block_k, *x.shape[2:]), 1, 0), n_pad


def _block_scores(q_scaled, k_block, j, block_k: int, n_keys: int):
  """Scores (B, H, Nq, block_k) of key block j in float32, padded keys at -inf."""
  s = jnp.einsum("bqhd,bkhd->bhqk", q_scaled, k_block, preferred_element_type=jnp.float32)
  valid = j * block_k + jnp.arange(block_k) < n_keys
  return jnp.where(valid, s, -jnp.inf)


def _forward(q, k, v, block_k: int):
  scale = 1.0 / math.sqrt(q.shape[-1])
  q_scaled = q * jnp.asarray(scale, q.dtype)
  k_blocks, _ = _key_blocks(k, block_k)
  v_blocks, _ = _key_blocks(v, block_k)
  B, N, H, D = q.shape

  def step(carry, inputs):
    m, l, acc = carry
    k_j, v_j, j = inputs
    s = _block_scores(q_scaled, k_j, j, block_k, k.shape[1])
    m_new = jnp.maximum(m, jnp.max(s, axis=-1))
    correction = jnp.exp(m - m_new)
    p = jnp.exp(s - m_new[..., None])
    l = l * correction + jnp.sum(p, axis=-1)
    pv = jnp.einsum("bhqk,bkhd->bqhd", p.astype(v.dtype), v_j, preferred_element_type=jnp.float32)
    acc = acc * jnp.swapaxes(correction, 1, 2)[..., None] + pv
    return (m_new, l, acc), None

  init = (jnp.full((B, H, N), -jnp.inf, jnp.float32), jnp.zeros((B, H, N), jnp.float32),
          jnp.zeros((B, N, H, D), jnp.float32))
  (m, l, acc), _ = jax.lax.scan(step, init, (k_blocks, v_blocks, jnp.arange(k_blocks.shape[0])))
  out = acc / jnp.swapaxes(l, 1, 2)[..., None]
  return out.astype(q.dtype), m + jnp.log(l)                 # lse: (B, H, N)


@functools.partial(jax.custom_vjp, nondiff_argnums=(3,))
def _blocked(q, k, v, block_k):
  return _forward(q, k, v, block_k)[0]


def _blocked_fwd(q, k, v, block_k):
  out, lse = _forward(q, k, v, block_k)
  return out, (q, k, v, out, lse)


def _blocked_bwd(block_k, residuals, d_out):
  q, k, v, out, lse = residuals
  scale = 1.0 / math.sqrt(q.shape[-1])
  q_scaled = q * jnp.asarray(scale, q.dtype)
  k_blocks, n_pad = _key_blocks(k, block_k)
  v_blocks, _ = _key_blocks(v, block_k)
  d_out32 = d_out.astype(jnp.float32)
  delta = jnp.swapaxes(jnp.sum(d_out32 * out.astype(jnp.float32), axis=-1), 1, 2)     # (B, H, N)

  def step(dq, inputs):
    k_j, v_j, j = inputs
    p = jnp.exp(_block_scores(q_scaled, k_j, j, block_k, k.shape[1]) - lse[..., None])   # (B,H,N,bk)
    dv_j = jnp.einsum("bhqk,bqhd->bkhd", p, d_out32)
    dp = jnp.einsum("bqhd,bkhd->bhqk", d_out32, v_j.astype(jnp.float32))
    ds = p * (dp - delta[..., None])
    dq = dq + jnp.einsum("bhqk,bkhd->bqhd", ds, k_j.astype(jnp.float32))
    dk_j = jnp.einsum("bhqk,bqhd->bkhd", ds, q_scaled.astype(jnp.float32))
    return dq, (dk_j, dv_j)

  dq, (dk, dv) = jax.lax.scan(step, jnp.zeros(q.shape, jnp.float32),
                              (k_blocks, v_blocks, jnp.arange(k_blocks.shape[0])))
  unblock = lambda x: jnp.moveaxis(x, 0, 1).reshape(x.shape[1], n_pad, *x.shape[3:])[:, :k.shape[1]]
  return ((dq * scale).astype(q.dtype), unblock(dk).astype(k.dtype), unblock(dv).astype(v.dtype))


_blocked.defvjp(_blocked_fwd, _blocked_bwd)
