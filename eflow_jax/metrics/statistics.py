"""Gaussian statistics (mean, covariance) of feature sets, in one pass or streamed batch by batch.

Reference statistics are built from thousands of clips whose features never fit in memory at
once, so they are accumulated as `Moments` (count, mean, centred sum of outer products) and merged
with Chan et al.'s pairwise update: it avoids the cancellation of sum(x x^T) - n mu mu^T and
gives the same result as the one-pass `feature_statistics` up to float64 round-off.
Covariances are unbiased (ddof = 1), as numpy.cov and the standard FID / FVD code use.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Moments(NamedTuple):
  """Running moments of features seen so far: count, mean (D,), centred outer-product sum (D, D)."""
  count: int
  mean: np.ndarray
  m2: np.ndarray


def _as_features(features) -> np.ndarray:
  x = np.asarray(features, np.float64)
  if x.ndim != 2:
    raise ValueError(f"features must be (N, D), got shape {x.shape}.")
  return x


def feature_statistics(features) -> tuple[np.ndarray, np.ndarray]:
  """(mu (D,), sigma (D, D)) of features (N, D), float64, unbiased covariance; N >= 2."""
  x = _as_features(features)
  if x.shape[0] < 2:
    raise ValueError(f"a covariance needs at least 2 feature vectors, got {x.shape[0]}.")
  mu = x.mean(axis=0)
  c = x - mu
  return mu, (c.T @ c) / (x.shape[0] - 1)


def init_moments(dim: int) -> Moments:
  return Moments(0, np.zeros((dim,), np.float64), np.zeros((dim, dim), np.float64))


def update_moments(moments: Moments, features) -> Moments:
  """Moments after also seeing `features` (N, D): a pure function (the inputs are not changed)."""
  x = _as_features(features)
  if x.shape[1] != moments.mean.shape[0]:
    raise ValueError(f"features have dimension {x.shape[1]}, the moments {moments.mean.shape[0]}.")
  nb = x.shape[0]
  if nb == 0:
    return moments
  mean_b = x.mean(axis=0)
  c = x - mean_b
  m2_b = c.T @ c
  na, n = moments.count, moments.count + nb
  delta = mean_b - moments.mean
  mean = moments.mean + delta * (nb / n)
  m2 = moments.m2 + m2_b + np.outer(delta, delta) * (na * nb / n)
  return Moments(n, mean, m2)


def moments_statistics(moments: Moments) -> tuple[np.ndarray, np.ndarray]:
  """(mu, sigma) of everything the moments have seen (unbiased covariance)."""
  if moments.count < 2:
    raise ValueError(f"a covariance needs at least 2 feature vectors, got {moments.count}.")
  return moments.mean.copy(), moments.m2 / (moments.count - 1)
