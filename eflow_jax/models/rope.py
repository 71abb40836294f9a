"""3D rotary position embeddings over (time, height, width) token coordinates.

The head dimension is split between the three axes the way Wan 2.1 does it: height and width
get `2 * (head_dim // 6)` channels each, time gets the rest. Rotations act on consecutive
channel pairs. Because the angle of a token depends only on its own coordinates, the table for a
token-dropped subset is simply the dense table gathered at the kept indices (SPRINT does the
same), so `q_i . k_j` after rotation depends only on the coordinate difference of i and j.
"""
import jax.numpy as jnp
import numpy as np


def axis_channels(head_dim: int) -> tuple[int, int, int]:
  """Channels given to the (t, h, w) axes; each is even so rotations act on whole pairs."""
  if head_dim % 2:
    raise ValueError(f"RoPE needs an even head_dim, got {head_dim}; pick hidden/heads even.")
  spatial = 2 * (head_dim // 6)
  return head_dim - 2 * spatial, spatial, spatial


def grid_coordinates(grid: tuple[int, int, int]) -> np.ndarray:
  """(N, 3) integer (t, h, w) coordinates of a token grid in raster order."""
  t, h, w = np.meshgrid(*(np.arange(n) for n in grid), indexing="ij")
  return np.stack([t.ravel(), h.ravel(), w.ravel()], axis=-1).astype(np.int32)


def rope_angles(coords, head_dim: int, theta: float = 10000.0):
  """Rotation angles (..., N, head_dim // 2) for integer coordinates (..., N, 3)."""
  angles = []
  for axis, channels in enumerate(axis_channels(head_dim)):
    freqs = theta ** (-jnp.arange(0, channels, 2, dtype=jnp.float32) / channels)
    angles.append(coords[..., axis, None].astype(jnp.float32) * freqs)
  return jnp.concatenate(angles, axis=-1)


def apply_rope(x, angles):
  """Rotates consecutive channel pairs of x (B, N, heads, head_dim) by angles (B, N, head_dim/2)."""
  x_pairs = x.astype(jnp.float32).reshape(*x.shape[:-1], -1, 2)
  cos = jnp.cos(angles)[:, :, None, :]
  sin = jnp.sin(angles)[:, :, None, :]
  real = x_pairs[..., 0] * cos - x_pairs[..., 1] * sin
  imag = x_pairs[..., 0] * sin + x_pairs[..., 1] * cos
  return jnp.stack([real, imag], axis=-1).reshape(x.shape).astype(x.dtype)
