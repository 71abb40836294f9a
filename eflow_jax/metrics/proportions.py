"""How far apart two measured rates are, in units of the spread of their difference.

A rate measured on n samples (a fraction recognised, an accuracy) has a binomial standard error
sqrt(p (1 - p) / n). Two independently measured rates differ by p1 - p2 with standard error
sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2): larger than either rate's own, so quoting one rate's
spread as the spread of a gap overstates the gap. These functions are what the docs' comparisons use;
with two or more seeds per side, the spread across seeds is the better yardstick (it also contains
the training's own variance, which one seed cannot show).
"""
from __future__ import annotations

import math
import statistics


def rate_sd(p: float, n: int) -> float:
  """Binomial standard error of a rate p measured on n samples."""
  _check_rate(p, n)
  return math.sqrt(p * (1.0 - p) / n)


def difference_sd(p1: float, n1: int, p2: float, n2: int) -> float:
  """Standard error of p1 - p2 for two independent rates (binomial, unpooled)."""
  return math.sqrt(rate_sd(p1, n1) ** 2 + rate_sd(p2, n2) ** 2)


def difference_in_sd(p1: float, n1: int, p2: float, n2: int) -> float:
  """(p1 - p2) / difference_sd: how many standard errors of the difference the gap is (inf when both
  rates are exactly 0 or 1 and differ; 0 when they are equal)."""
  sd = difference_sd(p1, n1, p2, n2)
  gap = p1 - p2
  if sd == 0.0:
    return 0.0 if gap == 0.0 else math.copysign(math.inf, gap)
  return gap / sd


def seed_difference(values1, values2) -> dict:
  """Two sides measured over several seeds each: the mean gap and its standard error from the
  spread across seeds, sqrt(s1^2 / k1 + s2^2 / k2) (sample standard deviations, k >= 2 per side)."""
  values1, values2 = [float(v) for v in values1], [float(v) for v in values2]
  if len(values1) < 2 or len(values2) < 2:
    raise ValueError(f"a spread across seeds needs >= 2 seeds per side, got {len(values1)} and {len(values2)}.")
  gap = statistics.fmean(values1) - statistics.fmean(values2)
  sd = math.sqrt(statistics.variance(values1) / len(values1) + statistics.variance(values2) / len(values2))
  return {"gap": gap, "sd": sd, "in_sd": gap / sd if sd else (0.0 if gap == 0 else math.copysign(math.inf, gap)),
          "seeds": (len(values1), len(values2))}


def _check_rate(p: float, n: int) -> None:
  if not 0.0 <= p <= 1.0:
    raise ValueError(f"a rate must lie in [0, 1], got {p}.")
  if int(n) != n or n < 1:
    raise ValueError(f"a rate needs n >= 1 samples, got {n}.")
