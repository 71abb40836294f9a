"""The spread of a difference of two rates: hand-computed values, a simulation, and seeds."""
import math

import numpy as np
import pytest

from eflow_jax.metrics import proportions


def test_the_gap_between_38_and_29_percent_of_200_is_under_two_sd_of_the_difference():
  # sqrt(0.38 * 0.62 / 200 + 0.29 * 0.71 / 200) = sqrt(0.001178 + 0.0010295) = 0.046984...
  assert proportions.difference_sd(0.38, 200, 0.29, 200) == pytest.approx(0.0469840, abs=1e-6)
  assert proportions.difference_in_sd(0.38, 200, 0.29, 200) == pytest.approx(1.9155, abs=1e-3)
  # One rate's own spread (3.4 points) would have called the same gap 2.6 sd.
  assert 0.09 / proportions.rate_sd(0.38, 200) == pytest.approx(2.622, abs=1e-3)
  assert proportions.difference_in_sd(0.5, 10, 0.5, 30) == 0.0
  assert proportions.difference_in_sd(1.0, 20, 0.0, 20) == math.inf


def test_the_formula_matches_the_spread_of_simulated_differences():
  rng = np.random.default_rng(0)
  p1, n1, p2, n2 = 0.8, 200, 0.6, 120
  gaps = rng.binomial(n1, p1, 200_000) / n1 - rng.binomial(n2, p2, 200_000) / n2
  assert np.std(gaps) == pytest.approx(proportions.difference_sd(p1, n1, p2, n2), rel=0.01)


def test_seed_spread_uses_the_sample_variance_of_each_side():
  got = proportions.seed_difference([0.8, 0.9, 0.85], [0.6, 0.7])
  # means 0.85 and 0.65; variances 0.0025 and 0.005: sqrt(0.0025 / 3 + 0.005 / 2) = 0.057735
  assert got["gap"] == pytest.approx(0.2) and got["sd"] == pytest.approx(0.0577350, abs=1e-6)
  assert got["seeds"] == (3, 2)
  with pytest.raises(ValueError, match="2 seeds per side"):
    proportions.seed_difference([0.8], [0.6, 0.7])
  with pytest.raises(ValueError, match="in \\[0, 1\\]"):
    proportions.rate_sd(1.2, 10)
