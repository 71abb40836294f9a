"""Fréchet distance between two Gaussians: the distance behind FID / FVD and the classifier FD.

  d^2 = ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^{1/2})

S1 S2 is not symmetric, so a general matrix square root (scipy.linalg.sqrtm) works in complex
arithmetic and can return spurious imaginary parts for the rank-deficient covariances that a few
hundred clips give in 400 dimensions. Instead, with R = S1^{1/2} (symmetric eigendecomposition),
S1 S2 = R (R S2 R) R^{-1} is similar to the symmetric PSD matrix R S2 R, so
tr((S1 S2)^{1/2}) = sum_i sqrt(lambda_i(R S2 R)): two `eigh` calls in float64, no scipy, and
round-off negatives (true eigenvalue 0) are clipped to 0 before the square root.
"""
from __future__ import annotations

import numpy as np


def _symmetric(a) -> np.ndarray:
  a = np.asarray(a, np.float64)
  if a.ndim != 2 or a.shape[0] != a.shape[1]:
    raise ValueError(f"a covariance must be a square matrix, got shape {a.shape}.")
  return 0.5 * (a + a.T)


def psd_sqrt(sigma) -> np.ndarray:
  """Symmetric square root of a PSD matrix; eigenvalues below 0 (round-off) are taken as 0."""
  w, v = np.linalg.eigh(_symmetric(sigma))
  return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def trace_sqrt_product(sigma1, sigma2) -> float:
  """tr((S1 S2)^{1/2}) for PSD S1, S2, via the eigenvalues of the similar S1^{1/2} S2 S1^{1/2}."""
  r = psd_sqrt(sigma1)
  eig = np.linalg.eigvalsh(_symmetric(r @ _symmetric(sigma2) @ r))
  return float(np.sum(np.sqrt(np.clip(eig, 0.0, None))))


def frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
  """Squared Fréchet (2-Wasserstein) distance between N(mu1, S1) and N(mu2, S2), float64.

  Clamped at 0: identical inputs can give -1e-12 from round-off, and a distance is never negative.
  """
  mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
  s1, s2 = _symmetric(sigma1), _symmetric(sigma2)
  if mu1.shape != mu2.shape or s1.shape != s2.shape or s1.shape != mu1.shape * 2:
    raise ValueError(f"shapes differ: mu {mu1.shape} / {mu2.shape}, sigma {s1.shape} / {s2.shape}.")
  # eigh of a matrix holding NaN fails with numpy's "Eigenvalues did not converge", naming nothing.
  for name, a in (("mu1", mu1), ("sigma1", s1), ("mu2", mu2), ("sigma2", s2)):
    if not np.all(np.isfinite(a)):
      raise ValueError(f"{name} holds NaN or inf: the features (or the clips they came from) are not finite.")
  diff = mu1 - mu2
  d = diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * trace_sqrt_product(s1, s2)
  return float(max(d, 0.0))
