"""Per-frame sharpness: the mean squared Laplacian of each frame, averaged over frames.

Few-step samplers that regress to the mean give blurred frames; the Laplacian (a second
difference) measures the high-frequency energy that blur removes, so a blurred clip scores lower
than its original and a flat frame scores exactly 0. The 5-point stencil is applied to interior
pixels only (no padding), so canvas borders add no artificial edges. Channels are averaged to
grayscale first; values are in the units of (B, T, H, W, C) videos in [-1, 1]. Compare a model's
score with the same score of real clips, not across data sets.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp


def laplacian(frames) -> jax.Array:
  """(..., H, W) -> (..., H-2, W-2): x[i-1,j] + x[i+1,j] + x[i,j-1] + x[i,j+1] - 4 x[i,j]."""
  x = jnp.asarray(frames, jnp.float32)
  return (x[..., :-2, 1:-1] + x[..., 2:, 1:-1] + x[..., 1:-1, :-2] + x[..., 1:-1, 2:]
          - 4.0 * x[..., 1:-1, 1:-1])


def frame_sharpness(videos) -> jax.Array:
  """(B, T, H, W, C) -> (B, T): mean squared Laplacian of each grayscale frame (H, W >= 3: a
  smaller frame has no interior pixel, and its mean over nothing was NaN)."""
  if min(jnp.shape(videos)[-3:-1], default=0) < 3:
    raise ValueError(f"sharpness needs frames of at least 3x3 pixels, got videos of shape {jnp.shape(videos)}.")
  gray = jnp.mean(jnp.asarray(videos, jnp.float32), axis=-1)
  return jnp.mean(jnp.square(laplacian(gray)), axis=(-2, -1))


def video_sharpness(videos) -> jax.Array:
  """(B, T, H, W, C) -> (B,): frame sharpness averaged over the clip's frames."""
  return jnp.mean(frame_sharpness(videos), axis=-1)
