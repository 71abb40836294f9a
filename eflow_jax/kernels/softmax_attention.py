"""Full softmax attention behind the same `impl` switch as the GLGA kernels.

The softmax blocks (every K-th GLGA block and the whole softmax baseline) should run on the best
softmax the hardware has, or the baseline is slow for the wrong reason: XLA's softmax keeps every
(N x N) score matrix for the backward pass, cuDNN's flash attention does not. So:
  'reference'  `jax.nn.dot_product_attention` with XLA's implementation (any backend).
  'pallas' / 'auto'  on a GPU, cuDNN flash attention when cuDNN takes the inputs (bf16 / fp16,
               head_dim a multiple of 8 and <= 128); otherwise (CPU, TPU, float32) XLA's. There is
               no softmax Pallas kernel of ours: cuDNN's is the strong baseline to beat.
"""
from absl import logging
import jax
import jax.numpy as jnp

from eflow_jax.kernels import pallas_common as pc

CUDNN_DTYPES = (jnp.bfloat16, jnp.float16)
CUDNN_MAX_HEAD_DIM = 128


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
  return jax.nn.dot_product_attention(q, k, v)
