"""What the Pallas kernels of `eflow_jax.kernels` share: impl resolution, interpret mode, padding.

impl strings accepted by every dispatcher in this package:
  'reference'  the pure-jnp reference (any backend).
  'pallas'     the Pallas kernels written for the GPU Triton backend. On CPU they run with
               `interpret=True` (exact, slow: tests only). On TPU they are refused (ValueError):
               they are written Triton-style (whole-sequence K/V refs sliced at dynamic offsets),
               which Mosaic would place in VMEM whole.
  'auto'       'pallas' on GPU; 'reference' on CPU and on TPU (no Mosaic variant is written; the
               blocked reference is already O(N * W) and XLA compiles it well for TPU).
"""
import jax
import jax.numpy as jnp

IMPLS = ("reference", "pallas", "auto")
# Triton's tl.dot wants every tile dimension >= 16; head dims are zero-padded up to this.
MIN_TILE = 16
MAX_HEAD_DIM = 256
KERNEL_DTYPES = (jnp.float32, jnp.bfloat16, jnp.float16)


def resolve_impl(impl: str, what: str) -> str:
  """'auto' -> the implementation for the default backend; checks the string."""
  if impl not in IMPLS:
    raise ValueError(f"unknown {what} impl {impl!r}; set attention_impl to one of "
                     f"{', '.join(IMPLS)}.")
  backend = jax.default_backend()
  if impl == "auto":
    return "pallas" if backend == "gpu" else "reference"
  if impl == "pallas" and backend == "tpu":
    raise ValueError(f"{what} impl='pallas' targets the GPU Triton backend; on TPU use impl='auto' "
                     "or 'reference'.")
  return impl


def default_interpret(interpret):
  """None -> interpret unless running on a GPU."""
  return jax.default_backend() != "gpu" if interpret is None else bool(interpret)


def next_power_of_2(n: int) -> int:
  return 1 if n <= 1 else 1 << (int(n) - 1).bit_length()


def is_power_of_2(n: int) -> bool:
  return n >= 1 and (n & (n - 1)) == 0


def padded_head_dim(d: int, what: str) -> int:
  if d > MAX_HEAD_DIM:
    raise ValueError(f"{what} Pallas kernel supports head_dim <= {MAX_HEAD_DIM}, got {d}; use "
                     "impl='reference' or more heads.")
  return max(MIN_TILE, next_power_of_2(d))


def check_dtype(x, what: str):
  if x.dtype not in [jnp.dtype(d) for d in KERNEL_DTYPES]:
    raise ValueError(f"{what} Pallas kernel takes float32, bfloat16 or float16 inputs, got "
                     f"{x.dtype}; cast the inputs or use impl='reference'.")


def tile_size(requested: int, n: int, name: str) -> int:
  """A power-of-2 tile >= 16, no larger than needed for a sequence of n tokens."""
  if not is_power_of_2(requested) or requested < MIN_TILE:
    raise ValueError(f"Pallas {name} must be a power of 2 >= {MIN_TILE}, got {requested}; "
                     f"change {name} (e.g. model.window_block).")
  return min(requested, max(MIN_TILE, next_power_of_2(n)))


def pad_axis(x, axis: int, size: int, value=0):
  if x.shape[axis] == size:
    return x
  widths = [(0, 0)] * x.ndim
  widths[axis] = (0, size - x.shape[axis])
  return jnp.pad(x, widths, constant_values=value)
