"""Time samplers and schedules against closed forms computed independently (scipy, brute force)."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, special, stats

from eflow_jax.schema import flow as flow_schema
from eflow_jax.flow import timesteps as ts

N = 20000


def _ref_shift(t, a):
  return a * t / (1 + (a - 1) * t)


def _ref_cdf(x, mu, sigma, shift):
  """CDF of shift(sigmoid(N(mu, sigma^2))): invert the shift by bisection (not with unshift_time)."""
  x = np.clip(np.atleast_1d(np.asarray(x, np.float64)), 0.0, 1.0)
  lo, hi = np.zeros_like(x), np.ones_like(x)
  for _ in range(60):
    mid = 0.5 * (lo + hi)
    below = _ref_shift(mid, shift) < x
    lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
  t = np.clip(0.5 * (lo + hi), 1e-300, 1 - 1e-16)
  return np.where(x <= 0, 0.0, np.where(x >= 1, 1.0, stats.norm.cdf((special.logit(t) - mu) / sigma)))


def _ref_mean(mu, sigma, shift):
  f = lambda u: _ref_shift(special.expit(u), shift) * stats.norm.pdf(u, mu, sigma)
  return integrate.quad(f, -np.inf, np.inf)[0]


def test_shift_inverse_and_fixed_points():
  t = jnp.linspace(0.0, 1.0, 101)
  for a in (0.5, 1.0, 3.0):
    np.testing.assert_allclose(ts.unshift_time(ts.shift_time(t, a), a), t, atol=1e-6)
    np.testing.assert_allclose(ts.shift_time(t, a), _ref_shift(np.asarray(t), a), atol=1e-6)
  assert float(ts.shift_time(0.5, 3.0)) == pytest.approx(0.75)
  assert float(ts.shift_time(0.0, 3.0)) == 0.0 and float(ts.shift_time(1.0, 3.0)) == 1.0


@pytest.mark.parametrize("mu,sigma,shift", [(0.0, 1.0, 3.0), (-1.0, 0.8, 1.0)])
def test_logit_normal_ks_and_mean(mu, sigma, shift):
  x = np.asarray(ts.logit_normal(jax.random.key(0), (N,), mu, sigma, shift), np.float64)
  assert stats.kstest(x, lambda v: _ref_cdf(v, mu, sigma, shift)).pvalue > 1e-3
  # the library's closed-form CDF agrees with the numerically inverted one
  grid = np.linspace(0.01, 0.99, 25)
  np.testing.assert_allclose(ts.logit_normal_cdf(grid, mu, sigma, shift),
                             _ref_cdf(grid, mu, sigma, shift), atol=1e-5)
  assert abs(x.mean() - _ref_mean(mu, sigma, shift)) < 4 * x.std() / math.sqrt(N)


def test_ks_has_power_against_wrong_shift():
  x = np.asarray(ts.logit_normal(jax.random.key(1), (N,), 0.0, 1.0, 3.0), np.float64)
  assert stats.kstest(x, lambda v: _ref_cdf(v, 0.0, 1.0, 1.0)).pvalue < 1e-6


def test_fm_time_uses_t_params():
  cfg = flow_schema.flow_config()
  x = np.asarray(ts.sample_fm_time(jax.random.key(2), (N,), cfg), np.float64)
  assert stats.kstest(x, lambda v: _ref_cdf(v, 0.0, 1.0, 3.0)).pvalue > 1e-3


def test_scm_pair_sort_order_matches_order_statistics():
  cfg = flow_schema.flow_config()
  t, s = ts.sample_ts_pair(jax.random.key(3), (N,), cfg)
  t, s = np.asarray(t, np.float64), np.asarray(s, np.float64)
  fa = lambda v: _ref_cdf(v, 0.0, 1.0, 3.0)
  fb = lambda v: _ref_cdf(v, -1.0, 0.8, 1.0)
  # t = max(A, B): F_A F_B; s = min(A, B) (the 1e-4 clamp is invisible at this sample size)
  assert stats.kstest(t, lambda v: fa(v) * fb(v)).pvalue > 1e-3
  assert stats.kstest(s, lambda v: 1 - (1 - fa(v)) * (1 - fb(v))).pvalue > 1e-3
  assert np.all(t - s >= cfg.min_gap * 0.999) and np.all(s >= 0) and np.all(t <= 1)


def test_scm_pair_clamp_order_is_soflow():
  cfg = flow_schema.flow_config()
  cfg.scm_time_order = "clamp"
  t, s = ts.sample_ts_pair(jax.random.key(4), (N,), cfg)
  t = np.asarray(t, np.float64)
  assert stats.kstest(t, lambda v: _ref_cdf(v, 0.0, 1.0, 3.0)).pvalue > 1e-3
  assert np.all(np.asarray(t - s) >= cfg.min_gap * 0.999)


def test_r_schedules():
  k, kk = 500, 1000
  assert float(ts.r_schedule(0, kk, "exponential", 0.1, 0.002)) == pytest.approx(0.1, rel=1e-5)
  assert float(ts.r_schedule(kk, kk, "exponential", 0.1, 0.002)) == pytest.approx(0.002, rel=1e-5)
  assert float(ts.r_schedule(k, kk, "exponential", 0.1, 0.002)) == pytest.approx(
      math.sqrt(0.1 * 0.002), rel=1e-5)
  assert float(ts.r_schedule(3 * kk, kk, "exponential", 0.1, 0.002)) == pytest.approx(0.002,
                                                                                      rel=1e-5)
  assert float(ts.r_schedule(k, kk, "linear", 1.0, 0.0)) == pytest.approx(0.5)
  assert float(ts.r_schedule(250, kk, "cosine", 1.0, 0.0)) == pytest.approx(
      0.5 * (1 + math.cos(math.pi / 4)), rel=1e-5)
  assert float(ts.r_schedule(7, kk, "constant", 0.1, 0.002)) == pytest.approx(0.002)
  # works with a traced step
  assert float(jax.jit(lambda s: ts.r_schedule(s, kk))(jnp.int32(kk))) == pytest.approx(0.002,
                                                                                       rel=1e-5)
  with pytest.raises(ValueError, match="r_schedule"):
    ts.r_schedule(0, 10, "step")


def test_intermediate_time_and_scm_times():
  t, s = jnp.array([0.9, 0.5, 0.3]), jnp.array([0.1, 0.49995, 0.0])
  l = ts.intermediate_time(t, s, 0.25, 1e-4)
  np.testing.assert_allclose(l, [0.9 - 0.2, 0.49995, 0.3 - 0.075], atol=1e-6)
  cfg = flow_schema.flow_config()
  t, l, s = ts.sample_scm_times(jax.random.key(5), (N,), cfg, 0, 100)
  assert np.all(np.asarray(t - l) >= 0.999e-4) and np.all(np.asarray(l >= s))
  # away from the clamp, l is exactly t + (s - t) r_init
  r = np.asarray((t - l) / (t - s))
  free = np.asarray((t - s) * 0.1 > 2e-4)
  np.testing.assert_allclose(r[free], 0.1, rtol=1e-3)


def test_mva_grid_and_triples_are_uniform_over_subsets():
  n = 64
  g = np.asarray(ts.mva_grid(n, 3.0))
  np.testing.assert_allclose(g, _ref_shift(np.linspace(0, 1, n), 3.0), atol=1e-6)
  assert g[0] == 0.0 and g[-1] == 1.0 and np.all(np.diff(g) > 0)
  t, l, s = ts.sample_mva_times(jax.random.key(6), (N,), jnp.asarray(g))
  t, l, s = (np.searchsorted(g, np.asarray(a)) for a in (t, l, s))
  assert np.all(t > l) and np.all(l > s)
  # brute-force law of (s, t) under uniform 3-subsets: P(max=k) = C(k,2)/C(n,3)
  total = math.comb(n, 3)
  p_max = np.array([math.comb(k, 2) for k in range(n)]) / total
  p_min = np.array([math.comb(n - 1 - k, 2) for k in range(n)]) / total
  for idx, p in ((t, p_max), (s, p_min)):
    obs = np.bincount(idx, minlength=n)
    keep = p > 0
    chi = stats.chisquare(obs[keep], p[keep] * N)
    assert chi.pvalue > 1e-3
  assert np.mean(np.asarray(t) - np.asarray(s)) > n / 3  # long jumps


def test_inference_grid():
  for steps in (1, 2, 4, 50):
    g = np.asarray(ts.inference_grid(steps, 3.0))
    assert g.shape == (steps + 1,) and g[0] == 1.0 and g[-1] == 0.0 and np.all(np.diff(g) < 0)
    np.testing.assert_allclose(g, _ref_shift(np.linspace(1, 0, steps + 1), 3.0), atol=1e-6)
  np.testing.assert_allclose(ts.inference_grid(2, 3.0), [1.0, 0.75, 0.0], atol=1e-7)
  with pytest.raises(ValueError):
    ts.inference_grid(0)


@pytest.mark.parametrize("field,value,match", [
    ("guidance_target", "foo", "guidance_target"),
    ("w_min", 5.0, "w_min"),
    ("mva_target", "teacher", "mva_target"),
    ("r_schedule", "step", "r_schedule"),
    ("velocity_mix", 1.5, "velocity_mix"),
    ("p_drop", -0.1, "p_drop"),
    ("scm_form", "l1", "scm_form"),
    ("mva_grid_size", 2, "mva_grid_size"),
    ("t_sigma", 0.0, "t_sigma"),
])
def test_bad_config_raises_one_line(field, value, match):
  cfg = flow_schema.flow_config()
  cfg[field] = value
  with pytest.raises(ValueError, match=match) as e:
    flow_schema.validate_flow_config(cfg)
  assert "\n" not in str(e.value)


def test_defaults_match_method():
  c = flow_schema.flow_config()
  flow_schema.validate_flow_config(c)
  assert (c.t_mu, c.t_sigma, c.t_shift, c.s_mu, c.s_sigma, c.s_shift) == (0, 1, 3, -1, 0.8, 1)
  assert (c.mva_grid_size, c.mva_shift, c.inference_shift, c.w_inf) == (64, 3, 3, 4.0)
  assert (c.w_min, c.w_max, c.velocity_mix, c.p_drop, c.weight_p, c.weight_eps) == (
      2.5, 4.5, 0.25, 0.2, 1.0, 0.01)
  assert not any(name.startswith('ratio_') for name in c)   # the split is a stage's (schema/curriculum.py)
  assert (c.guidance_target, c.mva_target, c.r_schedule) == ("pdg", "ema", "exponential")
  assert (c.r_init, c.r_end, c.unguided_w) == (0.1, 0.002, 0.0)


def test_mva_grid_with_the_sampler_times_holds_every_jump_of_the_sampler():
  g = np.asarray(ts.mva_grid(64, 3.0, inference_steps=4, inference_shift=3.0))
  plain = np.asarray(ts.mva_grid(64, 3.0))
  steps = _ref_shift(np.linspace(0, 1, 5), 3.0)             # 0, 0.5, 0.75, 0.9, 1 (shift 3)
  # 0.5 (index 31.5 of 63) and 0.75, 0.9 are not on the 64-point grid; 0 and 1 are.
  assert sum(np.isclose(plain, x, atol=1e-6).any() for x in steps) == 2
  assert all(np.isclose(g, x, atol=1e-6).any() for x in steps)
  assert len(g) == 64 + 3 and np.all(np.diff(g) > 0)
  assert all(np.isclose(g, x, atol=1e-6).any() for x in plain)
