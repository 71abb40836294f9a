"""Guidance diagnostics (flow/diagnostics.py) against per-example float64 hand computations."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.schema import flow as flow_schema
from eflow_jax.flow import diagnostics

jax.config.update("jax_default_matmul_precision", "highest")
K, D = 3, 4   # classes, data dim


def params(seed=0):
  r = np.random.RandomState(seed)
  return {"A": r.randn(D, D) * 0.5, "B": r.randn(D, D) * 0.5, "b": r.randn(D), "e": r.randn(D) * 0.3,
          "E": r.randn(K + 1, D)}


def net_np(p, x, t, s, c, w, weak):
  """F = A x + b t + e w + E[c] (+ B x on the full path): the weak path drops the B term."""
  out = p["A"] @ x + p["b"] * t + p["e"] * w + p["E"][c]
  return out if weak else out + p["B"] @ x


def net_jax(p):
  p = {k: jnp.asarray(v, jnp.float32) for k, v in p.items()}
  return lambda x, t, s, c, w, weak: (p["A"] @ x + p["b"] * t + p["e"] * w + p["E"][c]
                                      + (0.0 if weak else p["B"] @ x))


def null_cond(c):
  return jnp.full_like(c, K)


def config(**kw):
  c = flow_schema.flow_config()
  c.update(kw)
  return c


@pytest.mark.parametrize("kind,decay", [("pdg", 1.0), ("cfg", 0.8), ("none", 1.0)])
def test_example_terms_match_float64(kind, decay):
  p = params(1)
  r = np.random.RandomState(2)
  x0, eps, c, w = r.randn(D), r.randn(D), 2, 3.3
  cfg = config(guidance_target=kind, guidance_decay_time=decay)
  for t in (0.3, 0.9):
    got = diagnostics.example_terms(net_jax(p), x0, eps, t, c, w, null_cond=null_cond, cfg=cfg)
    x_t, v = (1 - t) * x0 + t * eps, eps - x0
    w_in = 0.0 if kind == "none" else w
    cond = net_np(p, x_t, t, t, c, w_in, False)
    full_u, weak_u = net_np(p, x_t, t, t, K, 0.0, False), net_np(p, x_t, t, t, K, 0.0, True)
    if kind == "none":
      scale = 1.0
    else:   # SoFlow's fade above the decay time (targets.guidance_decay), written out
      u = min((1 - t) / (1 - decay), 1 - 1e-6) if decay < 1 else 1.0
      d = 1.0 if t <= decay else 1 - np.exp(-0.025 * u / (1 - u))
      scale = 1 + d * (w - 1)
    want = {"cond_mse": np.mean((cond - v) ** 2), "full_uncond_mse": np.mean((full_u - v) ** 2),
            "weak_uncond_mse": np.mean((weak_u - v) ** 2),
            "class_signal": np.sqrt(np.mean((cond - (weak_u if kind == "pdg" else full_u)) ** 2)) / scale,
            "path_gap": np.sqrt(np.mean((p["B"] @ x_t) ** 2)),
            "weak_class_signal": np.sqrt(np.mean((net_np(p, x_t, t, t, c, 0.0, True) - weak_u) ** 2))}
    for k, val in want.items():
      np.testing.assert_allclose(got[k], val, rtol=1e-5, err_msg=f"{k} at t={t}")


def test_batch_bins_are_stratified_and_average_their_examples():
  p = params(3)
  n = 20
  x0 = jax.random.normal(jax.random.key(0), (n, D))
  y = jnp.arange(n) % K
  cfg = config(guidance_target="pdg", guidance_decay_time=1.0)
  key = jax.random.key(7)
  out = diagnostics.guidance_diagnostics(net_jax(p), x0, y, key, null_cond=null_cond, cfg=cfg)
  # Re-draw t, noise and w exactly as documented, then bin by hand.
  k_t, k_e, k_w = jax.random.split(key, 3)
  t = (np.arange(n) + np.asarray(jax.random.uniform(k_t, (n,)))) / n
  eps = np.asarray(jax.random.normal(k_e, x0.shape))
  w = np.asarray(jax.random.uniform(k_w, (n,), jnp.float32, cfg.w_min, cfg.w_max))
  for lo, hi in zip(diagnostics.T_BIN_EDGES[:-1], diagnostics.T_BIN_EDGES[1:]):
    label = diagnostics.bin_label(lo, hi)
    idx = [i for i in range(n) if lo <= t[i] < hi]
    assert out[f"count/{label}"] == len(idx) == 4          # 20 stratified draws, 5 bins
    gaps, signals = [], []
    for i in idx:
      x_t = (1 - t[i]) * np.asarray(x0[i]) + t[i] * eps[i]
      weak_u = net_np(p, x_t, t[i], t[i], K, 0.0, True)      # pdg: the weak path is the reference
      gaps.append(np.sqrt(np.mean((p["B"] @ x_t) ** 2)))
      signals.append(np.sqrt(np.mean((net_np(p, x_t, t[i], t[i], int(y[i]), w[i], False) - weak_u) ** 2)) / w[i])
    np.testing.assert_allclose(out[f"path_gap/{label}"], np.mean(gaps), rtol=1e-5)
    np.testing.assert_allclose(out[f"gap_to_signal/{label}"], np.mean(gaps) / np.mean(signals), rtol=1e-5)


def test_a_network_whose_weak_path_equals_the_full_one_has_no_gap():
  p = params(4)
  p["B"] = np.zeros((D, D))
  out = diagnostics.guidance_diagnostics(net_jax(p), jnp.ones((10, D)), jnp.zeros(10, jnp.int32),
                                         jax.random.key(0), null_cond=null_cond, cfg=config())
  gaps = [v for k, v in out.items() if k.startswith("path_gap/")]
  assert len(gaps) == 5 and np.allclose(gaps, 0.0)


def test_empty_bins_are_nan_and_pooling_weights_by_count():
  out = diagnostics.guidance_diagnostics(net_jax(params(5)), jnp.ones((2, D)), jnp.zeros(2, jnp.int32),
                                         jax.random.key(0), null_cond=null_cond, cfg=config())
  counts = [float(v) for k, v in out.items() if k.startswith("count/")]
  assert sum(counts) == 2 and counts.count(0.0) >= 3
  assert all(np.isnan(float(out[f"path_gap/{k.split('/', 1)[1]}"])) for k, v in out.items()
             if k.startswith("count/") and v == 0)
  a = {"count/b": 3.0, "path_gap/b": 1.0, "class_signal/b": 2.0, **{f"{n}/b": 1.0 for n in
       ("cond_mse", "full_uncond_mse", "weak_uncond_mse", "weak_class_signal")}}
  b = {**a, "count/b": 1.0, "path_gap/b": 5.0, "class_signal/b": 1.0}
  empty = {**a, "count/b": 0.0, "path_gap/b": float("nan"), "class_signal/b": float("nan")}
  pooled = diagnostics.pool([a, b, empty])
  assert pooled["count/b"] == 4.0
  np.testing.assert_allclose(pooled["path_gap/b"], (3 * 1 + 5) / 4)
  np.testing.assert_allclose(pooled["gap_to_signal/b"], 2.0 / ((3 * 2 + 1) / 4))
