"""Denominator-free linear attention (the global branch of GLGA, paper Eq. 5).

`S = sum_j K_j^T V_j` is one (head_dim x head_dim) summary per head, accumulated in float32, and
every query reads `O_i = Q_i S`. Cost O(N d^2), independent of how many tokens were dropped: the sum
simply runs over the tokens present.
"""
import jax.numpy as jnp


def linear_attention_reference(q, k, v, *, normalize: str = "sum"):
  """q, k, v: (B, N, heads, head_dim) -> (B, N, heads, head_dim).

  normalize: 'sum' is Eq. 5 as written; 'mean' divides S by N (the RMSNorm that follows the
  branch makes the two equal up to its epsilon, 'mean' only keeps bf16 magnitudes tame).
  """
  summary = jnp.einsum("bnhd,bnhe->bhde", k, v, preferred_element_type=jnp.float32)
  if normalize == "mean":
    summary = summary / k.shape[1]
  elif normalize != "sum":
    raise ValueError(f"linear attention normalize must be 'sum' or 'mean', got {normalize!r}.")
  out = jnp.einsum("bnhd,bhde->bnhe", q.astype(jnp.float32), summary)
  return out.astype(q.dtype)


def linear_attention(q, k, v, *, impl: str = "reference", normalize: str = "sum"):
  """Dispatch point shared by every caller; kernels register here behind the same signature."""
  if impl == "reference":
    return linear_attention_reference(q, k, v, normalize=normalize)
  raise ValueError(f"unknown linear-attention impl {impl!r}; available: 'reference'.")
