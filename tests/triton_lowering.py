"""Shared by the kernel tests: how many Triton kernels a function's gradient lowers to for CUDA
(Pallas -> Triton IR only: nothing is compiled or run, so it works on a CPU-only machine)."""
import jax
import pytest


def triton_kernels_in_gradient(loss, *shapes, argnums=(0, 1, 2)) -> int:
  """Triton custom calls in jax.grad(loss, argnums) (q, k, v by default), lowered for cuda; skips
  the test where this jaxlib cannot lower for cuda at all."""
  grad = jax.jit(jax.grad(loss, argnums))
  try:
    text = grad.trace(*shapes).lower(lowering_platforms=("cuda",)).as_text()
  except Exception as e:  # pragma: no cover - depends on the jaxlib build
    if "cuda" in str(e).lower() and "platform" in str(e).lower():
      pytest.skip(f"this jaxlib cannot lower for cuda: {e}")
    raise
  return text.count("__gpu$xla.gpu.triton")
