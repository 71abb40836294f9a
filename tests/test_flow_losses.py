"""FM / SCM / MVA losses and the total loss against hand computations, analytic flow maps and the
identities docs/method.md §3 names (surrogate-vs-explicit SCM gradients, App. A Lemma 1)."""
import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.schema import flow as flow_schema
from eflow_jax.flow import losses, targets

jax.config.update("jax_default_matmul_precision", "highest")
NUM_CLASSES = 3
D = 2


def null_cond(c):
  return jnp.full_like(c, NUM_CLASSES)


def target_cfg(kind, mix=0.25):
  """The fields velocity_target reads: a guidance target, the mix, no fade (Eq. 11 as written)."""
  return cfg_with(guidance_target=kind, velocity_mix=mix, guidance_decay_time=1.0)


def cfg_with(**kw):
  c = flow_schema.flow_config()
  for k, v in kw.items():
    c[k] = v
  return c


# ---------------------------------------------------------------------------------------------
# Networks: a linear one with a numpy twin (hand computations), a small MLP with a weak path.
# ---------------------------------------------------------------------------------------------
def linear_params(seed=0):
  r = np.random.RandomState(seed)
  return {"A": r.randn(D, D) * 0.5, "B": r.randn(D, D) * 0.5, "b": r.randn(D), "d": r.randn(D),
          "e": r.randn(D) * 0.3, "E": r.randn(NUM_CLASSES + 1, D)}


def linear_net(p, x, t, s, c, w, weak):
  """F = A x + b t + d s + e w + E[c] (+ B x unless weak): the weak path drops the B term."""
  out = p["A"] @ x + p["b"] * t + p["d"] * s + p["e"] * w + p["E"][c]
  return out if weak else out + p["B"] @ x


def linear_np(p, x, t, s, c, w, weak):
  p = {k: np.asarray(v, np.float64) for k, v in p.items()}
  out = p["A"] @ x + p["b"] * t + p["d"] * s + p["e"] * w + p["E"][c]
  return out if weak else out + p["B"] @ x


def mlp_params(seed=0, h=16):
  k = jax.random.split(jax.random.key(seed), 6)
  n = lambda k, s: jax.random.normal(k, s) / np.sqrt(s[0])
  return {"enc": n(k[0], (D + 3, h)), "mid": n(k[1], (h, h)), "dec": n(k[2], (h, D)),
          "emb": jax.random.normal(k[3], (NUM_CLASSES + 1, h)), "mid2": n(k[4], (h, h))}


def mlp_net(p, x, t, s, c, w, weak):
  hdn = jnp.tanh(jnp.concatenate([x, jnp.stack([t, s, w / 4.0])]) @ p["enc"] + p["emb"][c])
  if not weak:
    hdn = hdn + jnp.tanh(jnp.tanh(hdn @ p["mid"]) @ p["mid2"])
  return hdn @ p["dec"]


def bind(net, p):
  return lambda *a: net(p, *a)


# ---------------------------------------------------------------------------------------------
# Gaussian data N(mu, sigma^2): the exact solution map is affine and closed form.
# ---------------------------------------------------------------------------------------------
MU, SIG = jnp.array([1.5, -0.5]), jnp.array([0.5, 2.0])


def gauss_map(x, t, s, mu=MU, sig=SIG):
  m = lambda u: (1 - u) * mu
  sd = lambda u: jnp.sqrt((1 - u) ** 2 * sig ** 2 + u ** 2)
  return m(s) + sd(s) / sd(t) * (x - m(t))


def gauss_velocity(x, t, mu=MU, sig=SIG):
  var = (1 - t) ** 2 * sig ** 2 + t ** 2
  return -mu + (t - (1 - t) * sig ** 2) / var * (x - (1 - t) * mu)


def gauss_net(scale=1.0):
  def net(x, t, s, c, w, weak):
    gap = t - s
    safe = jnp.where(jnp.abs(gap) > 1e-6, gap, 1.0)
    quotient = (x - gauss_map(x, t, s)) / safe
    return scale * jnp.where(jnp.abs(gap) > 1e-6, quotient, gauss_velocity(x, t))
  return net


def gauss_data(key, n):
  return MU + SIG * jax.random.normal(key, (n, D))


# ---------------------------------------------------------------------------------------------
def test_boundary_condition_holds_for_any_network():
  net = bind(mlp_net, mlp_params(1))
  x = jnp.array([0.3, -1.2])
  for t in (0.0, 0.4, 1.0):
    np.testing.assert_array_equal(losses.solution_map(net, x, t, t, 1, 3.0), x)
  assert not np.allclose(losses.solution_map(net, x, 0.9, 0.2, 1, 3.0), x)


def test_adaptive_weight_and_no_grad():
  np.testing.assert_allclose(losses.adaptive_weight(jnp.float32(0.09), 1.0, 0.01), 10.0, rtol=1e-6)
  np.testing.assert_allclose(losses.adaptive_weight(jnp.float32(0.24), 0.5, 0.01), 2.0, rtol=1e-6)
  assert jax.grad(lambda m: losses.adaptive_weight(m, 1.0, 0.01))(0.3) == 0.0


def _example_inputs(seed=0):
  r = np.random.RandomState(seed)
  return r.randn(D), r.randn(D), 0.63, 1, 3.1


def _fm_reference(p, kind, drop, m=0.25, p_w=1.0, eps_w=0.01, uw=0.0):
  """Hand-written FM loss (float64) and its constant target."""
  x0, eps, t, c, w = _example_inputs()
  x_t, v = (1 - t) * x0 + t * eps, eps - x0
  if drop:
    pred = linear_np(p, x_t, t, t, NUM_CLASSES, uw, kind == "pdg")
    tgt = v
  else:
    w_in = uw if kind == "none" else w
    pred = linear_np(p, x_t, t, t, c, w_in, False)
    if kind == "none":
      tgt = v
    else:
      v_u = linear_np(p, x_t, t, t, NUM_CLASSES, uw, kind == "pdg")
      tgt = m * (w * v + (1 - w) * v_u) + (1 - m) * pred
  mse = np.mean((pred - tgt) ** 2)
  return mse / (mse + eps_w) ** p_w, tgt, (1.0 / (mse + eps_w) ** p_w)


@pytest.mark.parametrize("kind", ["pdg", "cfg", "none"])
@pytest.mark.parametrize("drop", [False, True])
def test_fm_loss_matches_hand_computation_and_targets_carry_no_gradient(kind, drop):
  p = linear_params(0)
  cfg = cfg_with(guidance_target=kind)
  x0, eps, t, c, w = _example_inputs()
  fn = lambda p_: losses.fm_example(bind(linear_net, p_), x0, eps, t, c, w, drop=drop,
                                    null_cond=null_cond, cfg=cfg)
  loss, aux = fn(p)
  ref, tgt, weight = _fm_reference(p, kind, drop)
  np.testing.assert_allclose(loss, ref, rtol=1e-5)
  np.testing.assert_allclose(aux["weight"], weight, rtol=1e-5)
  assert float(aux["dropped"]) == float(drop)

  # gradient equals that of weight * mse(pred(params), constant target): nothing flows via targets
  def ref_loss(p_):
    x_t = (1 - t) * x0 + t * eps
    if drop:
      pred = linear_net(p_, x_t, t, t, NUM_CLASSES, 0.0, kind == "pdg")
    else:
      pred = linear_net(p_, x_t, t, t, c, 0.0 if kind == "none" else w, False)
    return weight * jnp.mean((pred - tgt) ** 2)
  g, g_ref = jax.grad(lambda p_: fn(p_)[0])(p), jax.grad(ref_loss)(p)
  for k in p:
    np.testing.assert_allclose(g[k], g_ref[k], rtol=1e-4, atol=1e-6)


def test_pdg_target_formula_and_weak_path():
  """v_tgt = m (w v + (1-w) v_weak) + (1-m) sg(F); the weak path is really used."""
  p = linear_params(2)
  x0, eps, t, c, w = _example_inputs(3)
  x_t, v = targets.interpolate(x0, eps, t)
  net = bind(linear_net, p)
  got = targets.velocity_target(net, x_t, t, v, c, w, null_cond=null_cond, cfg=target_cfg("pdg"))
  xt = np.asarray(x_t, np.float64)
  v_weak = linear_np(p, xt, t, t, NUM_CLASSES, 0.0, True)
  v_full_u = linear_np(p, xt, t, t, NUM_CLASSES, 0.0, False)
  pred = linear_np(p, xt, t, t, c, w, False)
  want = 0.25 * (w * np.asarray(v) + (1 - w) * v_weak) + 0.75 * pred
  np.testing.assert_allclose(got, want, rtol=1e-5)
  wrong = 0.25 * (w * np.asarray(v) + (1 - w) * v_full_u) + 0.75 * pred
  assert not np.allclose(got, wrong, rtol=1e-3)
  grad = jax.grad(lambda p_: jnp.sum(targets.velocity_target(
      bind(linear_net, p_), x_t, t, v, c, w, null_cond=null_cond, cfg=target_cfg("pdg"))))(p)
  assert all(float(jnp.max(jnp.abs(g))) == 0.0 for g in jax.tree.leaves(grad))


@pytest.mark.parametrize("kind", ["pdg", "cfg", "none"])
def test_traced_path_drop_equals_static(kind):
  p = mlp_params(3)
  cfg = cfg_with(guidance_target=kind)
  x0, eps, t, c, w = _example_inputs(4)
  for drop in (False, True):
    fn = lambda p_, d: losses.fm_example(bind(mlp_net, p_), x0, eps, t, c, w, drop=d,
                                         null_cond=null_cond, cfg=cfg)[0]
    np.testing.assert_allclose(fn(p, jnp.bool_(drop)), fn(p, drop), rtol=1e-6)
    g1, g2 = jax.grad(fn)(p, jnp.bool_(drop)), jax.grad(fn)(p, drop)
    for k in p:
      np.testing.assert_allclose(g1[k], g2[k], rtol=1e-5, atol=1e-7)


def _scm_inputs():
  x0, eps, t, c, w = _example_inputs(5)
  return x0, eps, 0.8, 0.75, 0.2, c, w


@pytest.mark.parametrize("kind", ["pdg", "none"])
def test_scm_explicit_matches_hand_computation(kind):
  p = linear_params(6)
  cfg = cfg_with(guidance_target=kind, scm_form="explicit")
  x0, eps, t, l, s, c, w = _scm_inputs()
  loss, aux = losses.scm_example(bind(linear_net, p), x0, eps, t, l, s, c, w,
                                 null_cond=null_cond, cfg=cfg)
  x_t, v = (1 - t) * x0 + t * eps, eps - x0
  w_in = w if kind == "pdg" else 0.0
  if kind == "pdg":
    v_g = w * v + (1 - w) * linear_np(p, x_t, t, t, NUM_CLASSES, 0.0, True)
    v = 0.25 * v_g + 0.75 * linear_np(p, x_t, t, t, c, w_in, False)
  f_t = x_t + (s - t) * linear_np(p, x_t, t, s, c, w_in, False)
  x_l = x_t + v * (l - t)
  f_l = x_l + (s - l) * linear_np(p, x_l, l, s, c, w_in, False)
  dq = (f_t - f_l) / (t - l)
  weight = 1.0 / (np.mean(dq ** 2) + 0.01)
  want = weight * np.mean((f_t - f_l) ** 2) / ((t - l) * (t - s))
  np.testing.assert_allclose(loss, want, rtol=1e-4)
  np.testing.assert_allclose(aux["mse"], np.mean(dq ** 2), rtol=1e-4)


@pytest.mark.parametrize("kind", ["pdg", "cfg"])
def test_scm_surrogate_gradient_is_half_the_explicit_gradient(kind):
  """SoFlow's -mean(F_t * sg(dq * w)) and w_SCM ||f_t - f_l||^2 differ in gradient by exactly 2."""
  p = mlp_params(7)
  x0, eps, t, l, s, c, w = _scm_inputs()

  def loss(p_, form):
    cfg = cfg_with(guidance_target=kind, scm_form=form)
    return losses.scm_example(bind(mlp_net, p_), x0, eps, t, l, s, c, w, null_cond=null_cond,
                              cfg=cfg)[0]
  g_sur, g_exp = jax.grad(loss)(p, "surrogate"), jax.grad(loss)(p, "explicit")
  for k in p:
    np.testing.assert_allclose(g_exp[k], 2.0 * g_sur[k], rtol=2e-3, atol=1e-6)
  assert max(float(jnp.max(jnp.abs(g))) for g in jax.tree.leaves(g_sur)) > 1e-3


def test_scm_target_carries_no_gradient():
  p = mlp_params(8)
  cfg = cfg_with(scm_form="explicit")
  x0, eps, t, l, s, c, w = _scm_inputs()
  net = bind(mlp_net, p)
  # constant target and weight from the library's own forward
  x_t, v = targets.interpolate(x0, eps, t)
  v_tgt = targets.velocity_target(net, x_t, t, v, c, w, null_cond=null_cond,
                                  cfg=target_cfg("pdg"))
  x_l = x_t + v_tgt * (l - t)
  f_l = losses.solution_map(net, x_l, l, s, c, w)
  _, aux = losses.scm_example(net, x0, eps, t, l, s, c, w, null_cond=null_cond, cfg=cfg)

  def ref(p_):
    f_t = losses.solution_map(bind(mlp_net, p_), x_t, t, s, c, w)
    return aux["weight"] * jnp.mean((f_t - f_l) ** 2) / ((t - l) * (t - s))
  g = jax.grad(lambda p_: losses.scm_example(bind(mlp_net, p_), x0, eps, t, l, s, c, w,
                                             null_cond=null_cond, cfg=cfg)[0])(p)
  g_ref = jax.grad(ref)(p)
  for k in p:
    np.testing.assert_allclose(g[k], g_ref[k], rtol=1e-4, atol=1e-7)


def test_mva_residual_is_semigroup_defect_lemma1():
  """App. A: (t-s) vbar(x,t,s) - (t-l) vbar(x,t,l) - (l-s) vbar(x_l,l,s) = g(x_l,l,s) - g(x,t,s)."""
  net = bind(mlp_net, mlp_params(9))
  g = lambda x, a, b: losses.solution_map(net, x, a, b, 2, 3.0)
  vbar = lambda x, a, b: (x - g(x, a, b)) / (a - b)
  r = np.random.RandomState(0)
  for _ in range(5):
    s, l, t = np.sort(r.rand(3))
    x = jnp.asarray(r.randn(D), jnp.float32)
    x_l = g(x, t, l)
    r_mva = (t - s) * vbar(x, t, s) - (t - l) * vbar(x, t, l) - (l - s) * vbar(x_l, l, s)
    defect = g(x_l, l, s) - g(x, t, s)
    np.testing.assert_allclose(r_mva, defect, atol=2e-5)
    res = losses.mva_residual(net, net, x, t, l, s, 2, 3.0)
    np.testing.assert_allclose(res, -defect, atol=1e-6)
    assert float(jnp.max(jnp.abs(defect))) > 1e-3  # a random net is far from a semigroup
  # the MVA loss (online target) is the mean squared defect
  x0, eps = jnp.ones(D), jnp.asarray([0.3, -0.7])
  t, l, s = 0.9, 0.5, 0.1
  loss, _ = losses.mva_example(net, net, x0, eps, t, l, s, 2, 3.0,
                               cfg=cfg_with(mva_target="online"))
  x_t = (1 - t) * x0 + t * eps
  np.testing.assert_allclose(loss, jnp.mean((g(g(x_t, t, l), l, s) - g(x_t, t, s)) ** 2),
                             rtol=1e-5)


def test_mva_gradient_only_through_direct_jump():
  p, q = mlp_params(10), mlp_params(11)
  x0, eps = jnp.ones(D), jnp.asarray([0.3, -0.7])
  cfg = cfg_with()
  fn = lambda p_: losses.mva_example(bind(mlp_net, p_), bind(mlp_net, q), x0, eps, 0.9, 0.5, 0.1,
                                     2, 3.0, cfg=cfg)[0]
  target = losses.solution_map(bind(mlp_net, q), losses.solution_map(
      bind(mlp_net, q), 0.1 * x0 + 0.9 * eps, 0.9, 0.5, 2, 3.0), 0.5, 0.1, 2, 3.0)
  ref = lambda p_: jnp.mean((losses.solution_map(bind(mlp_net, p_), 0.1 * x0 + 0.9 * eps, 0.9,
                                                 0.1, 2, 3.0) - target) ** 2)
  np.testing.assert_allclose(fn(p), ref(p), rtol=1e-6)
  g, g_ref = jax.grad(fn)(p), jax.grad(ref)(p)
  for k in p:
    np.testing.assert_allclose(g[k], g_ref[k], rtol=1e-5, atol=1e-8)


# ---------------------------------------------------------------------------------------------
# At the exact Gaussian flow map: MVA vanishes; FM and SCM are stationary (d/d scale = 0).
# ---------------------------------------------------------------------------------------------
def test_gaussian_exact_map_is_semigroup_and_mva_zero():
  net = gauss_net()
  key = jax.random.key(0)
  x0 = gauss_data(key, 512)
  eps = jax.random.normal(jax.random.key(1), x0.shape)
  cfg = cfg_with(guidance_target="none")
  l_ = jax.vmap(lambda a, b: losses.mva_example(net, net, a, b, 0.95, 0.4, 0.05, 0, 0.0,
                                                cfg=cfg)[0])(x0, eps)
  assert float(jnp.max(l_)) < 1e-10
  # and a wrong map is not a semigroup
  l_bad = jax.vmap(lambda a, b: losses.mva_example(gauss_net(1.3), gauss_net(1.3), a, b, 0.95, 0.4,
                                                   0.05, 0, 0.0, cfg=cfg)[0])(x0, eps)
  assert float(jnp.mean(l_bad)) > 1e-3


def _stationarity(term, n=40000):
  """d/da of the mean loss of F_a = a * F_true at a=1 (should be ~0) and a=1.3 (should not)."""
  cfg = cfg_with(guidance_target="none", weight_p=0.0, scm_form="explicit")
  k1, k2, k3, k4 = jax.random.split(jax.random.key(42), 4)
  x0 = gauss_data(k1, n)
  eps = jax.random.normal(k2, x0.shape)
  t = jax.random.uniform(k3, (n,), minval=0.05, maxval=0.95)
  s = t * jax.random.uniform(k4, (n,), maxval=0.9)
  l = t + (s - t) * 0.01

  def per_example(a, x0_, e_, t_, l_, s_):
    net = gauss_net(a)
    if term == "fm":
      return losses.fm_example(net, x0_, e_, t_, 0, 0.0, drop=False, null_cond=null_cond,
                               cfg=cfg)[0]
    return losses.scm_example(net, x0_, e_, t_, l_, s_, 0, 0.0, null_cond=null_cond, cfg=cfg)[0]

  def grads(a):
    g = jax.vmap(jax.grad(per_example), in_axes=(None, 0, 0, 0, 0, 0))(a, x0, eps, t, l, s)
    return float(jnp.mean(g)), float(jnp.std(g) / np.sqrt(n))
  return grads(1.0), grads(1.3)


@pytest.mark.parametrize("term", ["fm", "scm"])
def test_exact_gaussian_map_is_stationary_point(term):
  (g1, se1), (g2, se2) = _stationarity(term)
  assert abs(g1) < 4 * se1 + 1e-3 * abs(g2), (g1, se1, g2)
  assert abs(g2) > 10 * se2, (g2, se2)


# ---------------------------------------------------------------------------------------------
# Batch split and total loss.
# ---------------------------------------------------------------------------------------------
def test_group_sizes_rounding_rule():
  assert losses.group_sizes(256, dict(fm=0.75, scm=0.25, mva=0.0)) == dict(fm=192, scm=64)
  assert losses.group_sizes(10, dict(fm=0.75, scm=0.25)) == dict(fm=8, scm=2)  # tie 7.5 / 2.5 -> fm first
  assert losses.group_sizes(256, dict(fm=0.6, scm=0.2, mva=0.2)) == dict(fm=154, scm=51, mva=51)
  assert losses.group_sizes(7, dict(mva=1.0)) == dict(mva=7)
  # The batch is cut in registry order whatever the mapping's order.
  assert list(losses.group_sizes(8, dict(mva=0.25, fm=0.5, scm=0.25))) == ["fm", "scm", "mva"]
  for b in range(3, 40):
    for r in [dict(fm=0.5, scm=0.3, mva=0.2), dict(fm=0.75, scm=0.25), dict(fm=0.34, scm=0.33, mva=0.33)]:
      n = losses.group_sizes(b, r)
      assert sum(n.values()) == b and all(abs(n[k] - r[k] * b) < 1 for k in r)
  with pytest.raises(ValueError, match="sum to 1"):
    losses.group_sizes(8, dict(fm=0.5, scm=0.4))
  with pytest.raises(ValueError, match="no example"):
    losses.group_sizes(2, dict(fm=0.5, scm=0.25, mva=0.25))
  with pytest.raises(ValueError, match="unknown objective term sxm; registered: fm, scm, mva"):
    losses.group_sizes(8, dict(fm=0.5, sxm=0.5))
  assert losses.num_path_dropped(192, 0.2) == 38 and losses.num_path_dropped(5, 0.1) == 1


class Recorder:
  """Wraps a net and records (name, weak, s == t) of every call at trace time."""

  def __init__(self, name, net, log):
    self.name, self.net, self.log = name, net, log

  def __call__(self, x, t, s, c, w, weak):
    self.log.append((self.name, weak))
    return self.net(x, t, s, c, w, weak)


def _batch(b, seed=0):
  k1, k2 = jax.random.split(jax.random.key(seed))
  return jax.random.normal(k1, (b, D)), jax.random.randint(k2, (b,), 0, NUM_CLASSES)


def test_total_loss_runs_only_needed_passes_and_combines_groups():
  log = []
  p, q = mlp_params(12), mlp_params(13)
  net, net_sg = Recorder("net", bind(mlp_net, p), log), Recorder("sg", bind(mlp_net, p), log)
  ema = Recorder("ema", bind(mlp_net, q), log)
  cfg = cfg_with(p_drop=0.25)
  tl = lambda *a, **kw: jax.jit(functools.partial(losses.total_loss, *a, **kw))(
      _batch(16), jax.random.key(0), 10, 100)  # jit: one trace, so the log is one pass each
  loss, m = tl(net, cfg=cfg, null_cond=null_cond, net_sg=net_sg, net_ema=ema,
               ratios=dict(fm=0.5, scm=0.25, mva=0.25))
  assert log == [("net", True),                                        # FM, path-dropped (2)
                 ("net", False), ("sg", True),                         # FM, kept (6)
                 ("sg", True), ("sg", False), ("net", False), ("sg", False),  # SCM (4)
                 ("net", False), ("ema", False), ("ema", False)]       # MVA (4)
  np.testing.assert_allclose(loss, 0.5 * m["fm/loss"] + 0.25 * m["scm/loss"] + 0.25 * m["mva/loss"],
                             rtol=1e-6)
  assert float(m["fm/dropped"]) == 0.25 and float(m["scm/dropped"]) == 0.0
  assert 2.5 <= float(m["w"]) <= 4.5
  np.testing.assert_allclose(m["r"], 0.1 * (0.002 / 0.1) ** 0.1, rtol=1e-5)
  # the MVA group really uses the EMA net: with ema == online params the MVA loss changes
  _, m2 = tl(net, cfg=cfg, null_cond=null_cond, net_ema=bind(mlp_net, p),
             ratios=dict(fm=0.5, scm=0.25, mva=0.25))
  np.testing.assert_allclose(m2["fm/loss"], m["fm/loss"], rtol=1e-6)
  assert abs(float(m2["mva/loss"]) - float(m["mva/loss"])) > 1e-6
  cfg.mva_target = "online"
  _, m3 = tl(bind(mlp_net, p), cfg=cfg, null_cond=null_cond, ratios=dict(fm=0.5, scm=0.25, mva=0.25))
  np.testing.assert_allclose(m3["mva/loss"], m2["mva/loss"], rtol=1e-6)


def test_total_loss_plain_fm_needs_one_pass_and_skips_empty_groups():
  log = []
  net = Recorder("net", bind(mlp_net, mlp_params(0)), log)
  cfg = cfg_with(guidance_target="none", p_drop=0.0)
  _, m = losses.total_loss(net, _batch(8), jax.random.key(0), 0, 10, cfg=cfg,
                           null_cond=null_cond, ratios=dict(fm=1.0, scm=0.0, mva=0.0))
  assert log == [("net", False)] and not any(k.startswith(("scm", "mva")) for k in m)
  assert float(m["w"]) == 0.0  # FM baseline feeds the unguided input


def test_total_loss_bernoulli_drop_fraction_and_jit_grad():
  cfg = cfg_with(path_drop_mode="bernoulli", p_drop=0.2, w_sampling="example")
  p = mlp_params(1)

  @jax.jit
  def f(p_, key):
    return losses.total_loss(bind(mlp_net, p_), _batch(2000), key, 5, 10, cfg=cfg,
                             null_cond=null_cond, ratios=dict(fm=1.0, scm=0.0, mva=0.0))
  (loss, m), g = jax.value_and_grad(f, has_aux=True)(p, jax.random.key(3))
  assert abs(float(m["fm/dropped"]) - 0.2) < 4 * np.sqrt(0.2 * 0.8 / 2000)
  assert np.isfinite(float(loss)) and all(np.all(np.isfinite(x)) for x in jax.tree.leaves(g))


def test_total_loss_errors():
  cfg = cfg_with()
  net = bind(mlp_net, mlp_params(0))
  with pytest.raises(ValueError, match="net_ema"):
    losses.total_loss(net, _batch(8), jax.random.key(0), 0, 10, cfg=cfg, null_cond=null_cond,
                      ratios=dict(fm=0.5, scm=0.25, mva=0.25))
  with pytest.raises(ValueError, match="sum to 1"):
    losses.total_loss(net, _batch(8), jax.random.key(0), 0, 10, cfg=cfg, null_cond=null_cond,
                      ratios=dict(fm=0.5, scm=0.25, mva=0.2))
  cfg.guidance_target = "weak"
  with pytest.raises(ValueError, match="guidance_target"):
    losses.total_loss(net, _batch(8), jax.random.key(0), 0, 10, cfg=cfg, null_cond=null_cond,
                      ratios=dict(fm=0.75, scm=0.25, mva=0.0))


def test_total_loss_at_exact_gaussian_map_mva_only_is_zero():
  cfg = cfg_with(guidance_target="none", mva_target="online")
  x0 = gauss_data(jax.random.key(5), 64)
  loss, _ = jax.jit(functools.partial(losses.total_loss, gauss_net(), cfg=cfg,
                                      null_cond=null_cond, ratios=dict(fm=0.0, scm=0.0, mva=1.0)))(
      (x0, jnp.zeros(64, jnp.int32)), jax.random.key(1), 0, 10)
  assert float(loss) < 1e-9


def test_aligned_split_rounds_to_shard_multiples_only_when_every_group_survives():
  # 64 over 8 devices: 8 units -> (6, 2, 0) units, path-drop round(0.2 * 6) = 1 unit.
  sfm, mva = dict(fm=0.75, scm=0.25), dict(fm=0.5, scm=0.25, mva=0.25)
  assert losses.aligned_split(64, sfm, 0.2, 8) == (dict(fm=48, scm=16), 8)
  assert losses.aligned_split(256, mva, 0.2, 8) == (dict(fm=128, scm=64, mva=64), 24)
  # 16 over 8 devices: 2 units cannot give SCM a unit -> the exact split is kept.
  assert losses.aligned_split(16, sfm, 0.2, 8) == (dict(fm=12, scm=4), 2)
  # p_drop > 0 but zero dropped units -> exact split.
  assert losses.aligned_split(32, sfm, 0.1, 8) == (dict(fm=24, scm=8), 2)
  # multiple 1 and a batch not divisible by the multiple: exactly group_sizes + num_path_dropped.
  for b, m in ((10, 1), (12, 8)):
    n = losses.group_sizes(b, sfm)
    assert losses.aligned_split(b, sfm, 0.2, m) == (n, losses.num_path_dropped(n["fm"], 0.2))


# ---------------------------------------------------------------------------------------------
# SoFlow's guidance decay (flow.guidance_decay_time).
# ---------------------------------------------------------------------------------------------
def _soflow_decay(t, t_d=0.8):
  """SoFlow's cfg_decay_time rule, written out in float64."""
  if t <= t_d:
    return 1.0
  u = min(max((1.0 - t) / (1.0 - t_d), 0.0), 1.0 - 1e-6)
  return 1.0 - np.exp(-0.025 * u / (1.0 - u))


def test_guidance_decay_matches_soflow_values():
  ts = np.array([0.0, 0.5, 0.8, 0.81, 0.9, 0.97, 1.0])
  got = np.asarray(targets.guidance_decay(jnp.asarray(ts), 0.8))
  np.testing.assert_allclose(got[4:6], [0.02469, 0.004402], rtol=2e-3)   # SoFlow's rule at t = 0.9, 0.97, by hand
  np.testing.assert_allclose(got, [_soflow_decay(t) for t in ts], rtol=1e-5, atol=1e-7)
  np.testing.assert_array_equal(np.asarray(targets.guidance_decay(jnp.asarray(ts), 1.0)), 1.0)


@pytest.mark.parametrize("kind", ["pdg", "cfg"])
def test_fm_and_scm_targets_fade_guidance_above_the_decay_time(kind):
  """At t = 0.9 the guided target is v + d (w - 1)(v - v_u), d = 0.0247 (float64, by hand)."""
  p = linear_params(9)
  x0, eps, _, c, w = _example_inputs(9)
  t, l, s, m = 0.9, 0.85, 0.3, 0.25
  x_t, v = (1 - t) * x0 + t * eps, eps - x0
  v_u = linear_np(p, x_t, t, t, NUM_CLASSES, 0.0, kind == "pdg")
  pred = linear_np(p, x_t, t, t, c, w, False)
  v_tgt = m * (v + _soflow_decay(t) * (w - 1) * (v - v_u)) + (1 - m) * pred

  cfg = cfg_with(guidance_target=kind, guidance_decay_time=0.8, scm_form="explicit")
  loss, aux = losses.fm_example(bind(linear_net, p), x0, eps, t, c, w, drop=False,
                                null_cond=null_cond, cfg=cfg)
  np.testing.assert_allclose(aux["mse"], np.mean((pred - v_tgt) ** 2), rtol=1e-4)
  undecayed = m * (w * v + (1 - w) * v_u) + (1 - m) * pred
  assert not np.isclose(float(aux["mse"]), np.mean((pred - undecayed) ** 2), rtol=1e-2)

  loss, aux = losses.scm_example(bind(linear_net, p), x0, eps, t, l, s, c, w, null_cond=null_cond,
                                 cfg=cfg)
  f_t = x_t + (s - t) * linear_np(p, x_t, t, s, c, w, False)
  x_l = x_t + v_tgt * (l - t)
  f_l = x_l + (s - l) * linear_np(p, x_l, l, s, c, w, False)
  weight = 1.0 / (np.mean(((f_t - f_l) / (t - l)) ** 2) + 0.01)
  np.testing.assert_allclose(loss, weight * np.mean((f_t - f_l) ** 2) / ((t - l) * (t - s)),
                             rtol=1e-4)


# ---------------------------------------------------------------------------------------------
# SoFlow's two losses, re-derived in float64 from its `models.py` (get_velocity_loss,
# get_consistency_loss): batch tensors, label masks, no_grad targets, and the gradients
# written out by hand for the linear network (no autodiff on the reference side).
# ---------------------------------------------------------------------------------------------
def _linear_vjp(p, g, x, t, s, c):
  """d(sum g . F(x, t, s, c)) / d params of the full-path linear network (w enters as e*w: skipped,
  since SoFlow's network has no guidance input and the test sets e = 0)."""
  grads = {k: np.zeros_like(np.asarray(v, np.float64)) for k, v in p.items()}
  grads["A"] = np.outer(g, x)
  grads["B"] = np.outer(g, x)
  grads["b"] = g * t
  grads["d"] = g * s
  grads["E"][c] += g
  return grads


def _soflow_losses_float64(p, x0, eps, t, l, s, labels, fm_mask, scm_mask, n_fm, cfg_scale, t_d,
                           mix, eps_w=0.01):
  """(loss, grads): velocity_loss * n_fm/B + consistency_loss * n_scm/B, as SoFlow's train.py."""
  net = lambda x, tt, ss, c: linear_np(p, x, tt, ss, c, 0.0, False)
  null = NUM_CLASSES
  bsz = len(x0)
  grads = {k: np.zeros_like(np.asarray(v, np.float64)) for k, v in p.items()}
  add = lambda g, scale: [grads[k].__iadd__(scale * g[k]) for k in grads]
  fm_loss, scm_loss = 0.0, 0.0
  for i in range(bsz):
    ti = t[i]
    x_t, v = (1 - ti) * x0[i] + ti * eps[i], eps[i] - x0[i]
    if i < n_fm:       # get_velocity_loss
      lab = null if fm_mask[i] else labels[i]
      pred = net(x_t, ti, ti, lab)
      v_u = net(x_t, ti, ti, null)
      v_g = v + _soflow_decay(ti, t_d) * (cfg_scale - 1) * (v - v_u)
      v_g = mix * v_g + (1 - mix) * pred
      delta = pred - (v if fm_mask[i] else v_g)
      w_ad = 1.0 / (np.mean(delta ** 2) + eps_w)
      fm_loss += w_ad * np.mean(delta ** 2) / n_fm
      add(_linear_vjp(p, w_ad * 2 * delta / D, x_t, ti, ti, lab), 1.0 / bsz)
    else:              # get_consistency_loss
      j = i - n_fm
      lab = null if scm_mask[j] else labels[i]
      v_u = net(x_t, ti, ti, null)
      v_g = v + _soflow_decay(ti, t_d) * (cfg_scale - 1) * (v - v_u)
      v_g = mix * v_g + (1 - mix) * net(x_t, ti, ti, labels[i])   # unmasked labels, as SoFlow
      v_step = v if scm_mask[j] else v_g
      nn_t = net(x_t, ti, s[j], lab)
      f_t = x_t + (s[j] - ti) * nn_t
      x_l = x_t + v_step * (l[j] - ti)
      f_l = x_l + (s[j] - l[j]) * net(x_l, l[j], s[j], lab)
      dq = (f_t - f_l) / (ti - l[j])
      w_ad = 1.0 / (np.mean(dq ** 2) + eps_w)
      sgn = np.sign(s[j] - ti)
      scm_loss += sgn * np.mean(nn_t * dq * w_ad) / (bsz - n_fm)
      add(_linear_vjp(p, sgn * dq * w_ad / D, x_t, ti, s[j], lab), 1.0 / bsz)
  return fm_loss * n_fm / bsz + scm_loss * (bsz - n_fm) / bsz, grads


def test_fm_and_scm_with_guidance_and_label_drop_match_soflow_float64():
  """SFM with SoFlow's settings (fixed w = 3, decay above 0.8, mix 0.25, labels dropped in both
  groups) against the float64 re-derivation: loss value and gradient of every weight."""
  p = {k: jnp.asarray(v, jnp.float32) for k, v in linear_params(11).items()}
  p["e"] = jnp.zeros(D)                        # SoFlow's network has no guidance input
  r = np.random.RandomState(5)
  n_fm, n_scm = 6, 4
  x0, eps = r.randn(n_fm + n_scm, D), r.randn(n_fm + n_scm, D)
  t = np.array([0.3, 0.85, 0.63, 0.95, 0.5, 0.1, 0.9, 0.7, 0.97, 0.4])   # decay active above 0.8
  l_scm, s_scm = t[n_fm:] - np.array([0.01, 0.05, 0.02, 0.1]), np.array([0.2, 0.1, 0.5, 0.05])
  labels = r.randint(0, NUM_CLASSES, n_fm + n_scm)
  fm_mask = np.array([True, False, False, True, False, False])
  scm_mask = np.array([False, True, False, True])
  cfg = cfg_with(guidance_target="cfg", guidance_decay_time=0.8, velocity_mix=0.25,
                 scm_form="surrogate")

  def ours(params):
    net = bind(linear_net, params)
    f32 = lambda a: jnp.asarray(a, jnp.float32)
    fm, _ = jax.vmap(lambda *a: losses.fm_example(net, *a[:-1], null_cond=null_cond, cfg=cfg,
                                                  drop=a[-1]))(
        f32(x0[:n_fm]), f32(eps[:n_fm]), f32(t[:n_fm]), labels[:n_fm], jnp.full(n_fm, 3.0),
        jnp.asarray(fm_mask))
    scm, aux = jax.vmap(lambda *a: losses.scm_example(net, *a[:-1], null_cond=null_cond, cfg=cfg,
                                                     drop=a[-1]))(
        f32(x0[n_fm:]), f32(eps[n_fm:]), f32(t[n_fm:]), f32(l_scm), f32(s_scm), labels[n_fm:],
        jnp.full(n_scm, 3.0), jnp.asarray(scm_mask))
    np.testing.assert_array_equal(aux["dropped"], scm_mask.astype(np.float32))
    return (jnp.sum(fm) + jnp.sum(scm)) / (n_fm + n_scm)

  value, grads = jax.value_and_grad(ours)(p)
  ref_value, ref_grads = _soflow_losses_float64(
      {k: np.asarray(v) for k, v in p.items()}, x0, eps, t, l_scm, s_scm, labels, fm_mask,
      scm_mask, n_fm, 3.0, 0.8, 0.25)
  np.testing.assert_allclose(value, ref_value, rtol=2e-4)
  for k in ("A", "B", "b", "d", "E"):
    np.testing.assert_allclose(grads[k], ref_grads[k], rtol=2e-3, atol=1e-5, err_msg=k)
  # Without the SCM label drop the loss differs: the switch is live.
  cfg_none = cfg_with(guidance_target="cfg", guidance_decay_time=0.8, scm_form="surrogate")
  net = bind(linear_net, p)
  j = 1 + n_fm
  kept = losses.scm_example(net, x0[j], eps[j], t[j], l_scm[1], s_scm[1], labels[j], 3.0,
                            null_cond=null_cond, cfg=cfg_none)[0]
  dropped = losses.scm_example(net, x0[j], eps[j], t[j], l_scm[1], s_scm[1], labels[j], 3.0,
                               null_cond=null_cond, cfg=cfg_none, drop=True)[0]
  assert not np.isclose(float(kept), float(dropped), rtol=1e-3)


def test_total_loss_scm_label_drop_rate_and_off_by_default():
  net = bind(mlp_net, mlp_params(2))
  x = jax.random.normal(jax.random.key(0), (64, D))
  batch = (x, jnp.arange(64) % NUM_CLASSES)
  kw = dict(null_cond=null_cond, ratios=dict(fm=0.5, scm=0.5, mva=0.0))
  off = losses.total_loss(net, batch, jax.random.key(1), 0, 100, cfg=cfg_with(guidance_target="cfg"), **kw)
  assert float(off[1]["scm/dropped"]) == 0.0
  cfg = cfg_with(guidance_target="cfg", scm_label_drop=0.5)
  rates = [float(losses.total_loss(net, batch, jax.random.key(k), 0, 100, cfg=cfg, **kw)[1]["scm/dropped"])
           for k in range(8)]
  # 8 x 32 coins at p = 0.5: the mean is within 4 sd (0.031) of 0.5.
  assert abs(np.mean(rates) - 0.5) < 0.125, rates
  # The FM / SCM noise and times are drawn as before (fold_in): the FM group's loss is unchanged.
  on = losses.total_loss(net, batch, jax.random.key(1), 0, 100, cfg=cfg, **kw)
  np.testing.assert_array_equal(on[1]["fm/loss"], off[1]["fm/loss"])
  with pytest.raises(ValueError, match="scm_label_drop"):
    flow_schema.validate_flow_config(cfg_with(scm_label_drop=1.5))


@pytest.mark.parametrize("kind", ["pdg", "cfg"])
def test_guidance_interval_guides_inside_and_gives_plain_v_outside(kind):
  """flow.guidance_interval = (0.2, 0.7): at t = 0.5 Eq. 11's target, at t = 0.9 and 0.1 the mix
  of the plain v (w' = 1); with the decay on as well, the two gates multiply."""
  p = linear_params(12)
  x0, eps, _, c, w = _example_inputs(12)
  m = 0.25
  for t, inside in ((0.5, True), (0.9, False), (0.1, False)):
    x_t, v = (1 - t) * x0 + t * eps, eps - x0
    v_u = linear_np(p, x_t, t, t, NUM_CLASSES, 0.0, kind == "pdg")
    pred = linear_np(p, x_t, t, t, c, w, False)
    w_eff = w if inside else 1.0
    v_tgt = m * (w_eff * v + (1 - w_eff) * v_u) + (1 - m) * pred
    cfg = cfg_with(guidance_target=kind, guidance_decay_time=1.0, guidance_interval=(0.2, 0.7))
    _, aux = losses.fm_example(bind(linear_net, p), x0, eps, t, c, w, drop=False,
                               null_cond=null_cond, cfg=cfg)
    np.testing.assert_allclose(aux["mse"], np.mean((pred - v_tgt) ** 2), rtol=1e-4, err_msg=str(t))
  np.testing.assert_allclose(targets.decayed_scale(3.0, 0.85, 0.8, (0.0, 0.9)),
                             1 + _soflow_decay(0.85) * 2.0, rtol=1e-5)
  assert float(targets.decayed_scale(3.0, 0.95, 0.8, (0.0, 0.9))) == 1.0
  with pytest.raises(ValueError, match="guidance_interval"):
    flow_schema.validate_flow_config(cfg_with(guidance_interval=(0.7, 0.2)))


# ---------------------------------------------------------------------------------------------
# SPRINT's independent path / label drop and the conditional weak target.
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("drop,label_drop,weak,label", [
    (True, False, True, "own"),     # path-dropped, label kept: the weak path learns v given c
    (True, True, True, "null"),     # both coins: the weak path at the null condition
    (False, True, False, "null"),   # label-only drop: the full network at the null condition
])
def test_sprint_dropped_examples_train_the_named_path_on_plain_v(drop, label_drop, weak, label):
  p = linear_params(13)
  x0, eps, t, c, w = _example_inputs(13)
  x_t, v = (1 - t) * x0 + t * eps, eps - x0
  cfg = cfg_with(guidance_target="pdg", path_drop_label="independent")
  coin = jnp.asarray(label_drop) if drop else label_drop     # traced on path-dropped examples
  _, aux = losses.fm_example(bind(linear_net, p), x0, eps, t, c, w, drop=drop, null_cond=null_cond,
                             cfg=cfg, label_drop=coin)
  pred = linear_np(p, x_t, t, t, c if label == "own" else NUM_CLASSES, 0.0, weak)
  np.testing.assert_allclose(aux["mse"], np.mean((pred - v) ** 2), rtol=1e-5)


def test_conditional_weak_target_is_autoguidance_by_the_weak_path():
  """pdg_cond: m (w v + (1 - w) v_weak(c)) + (1 - m) pred, by hand (float64)."""
  p = linear_params(14)
  x0, eps, t, c, w = _example_inputs(14)
  x_t, v = (1 - t) * x0 + t * eps, eps - x0
  m = 0.25
  pred = linear_np(p, x_t, t, t, c, w, False)
  v_weak_c = linear_np(p, x_t, t, t, c, 0.0, True)
  v_tgt = m * (w * v + (1 - w) * v_weak_c) + (1 - m) * pred
  cfg = cfg_with(guidance_target="pdg_cond", path_drop_label="independent", guidance_decay_time=1.0)
  _, aux = losses.fm_example(bind(linear_net, p), x0, eps, t, c, w, drop=False, null_cond=null_cond,
                             cfg=cfg, label_drop=False)
  np.testing.assert_allclose(aux["mse"], np.mean((pred - v_tgt) ** 2), rtol=1e-5)
  v_tgt_scm = targets.velocity_target(bind(linear_net, p), x_t, t, v, c, w, null_cond=null_cond,
                                      cfg=target_cfg("pdg_cond", m))
  np.testing.assert_allclose(v_tgt_scm, v_tgt, rtol=1e-5)


@pytest.mark.parametrize("decay", [1.0, 0.8])
def test_weak_label_target_is_cfg_with_the_weak_paths_own_class_direction(decay):
  """pdg_label: m (v + (w' - 1)(v_weak(c) - v_weak(∅))) + (1 - m) pred, by hand (float64), in the
  FM example and as the SCM target; w' = 1 + d(t)(w - 1) with SoFlow's fade written out."""
  p = linear_params(15)
  x0, eps, _, c, w = _example_inputs(15)
  m = 0.25
  for t in (0.4, 0.9):
    x_t, v = (1 - t) * x0 + t * eps, eps - x0
    pred = linear_np(p, x_t, t, t, c, w, False)
    direction = linear_np(p, x_t, t, t, c, 0.0, True) - linear_np(p, x_t, t, t, NUM_CLASSES, 0.0, True)
    w_eff = 1 + _soflow_decay(t, decay) * (w - 1)
    v_tgt = m * (v + (w_eff - 1) * direction) + (1 - m) * pred
    cfg = cfg_with(guidance_target="pdg_label", path_drop_label="independent", guidance_decay_time=decay)
    _, aux = losses.fm_example(bind(linear_net, p), x0, eps, t, c, w, drop=False, null_cond=null_cond,
                               cfg=cfg, label_drop=False)
    np.testing.assert_allclose(aux["mse"], np.mean((pred - v_tgt) ** 2), rtol=1e-5, err_msg=str(t))
    v_tgt_scm = targets.velocity_target(bind(linear_net, p), x_t, t, v, c, w, null_cond=null_cond, cfg=cfg)
    np.testing.assert_allclose(v_tgt_scm, v_tgt, rtol=1e-5, atol=1e-6, err_msg=str(t))


def test_path_drop_null_share_sets_the_weak_paths_condition():
  """Under SPRINT's coins, share 1 with no label-only drop is Alg. 1 (every path-dropped example at
  ∅): the same loss bit for bit; share 0 puts them all at their own label (a different loss)."""
  net = bind(mlp_net, mlp_params(5))
  kw = dict(null_cond=null_cond, ratios=dict(fm=1.0, scm=0.0, mva=0.0))
  alg1 = losses.total_loss(net, _batch(16), jax.random.key(2), 0, 100, cfg=cfg_with(p_drop=0.5), **kw)
  sprint = dict(guidance_target="pdg", path_drop_label="independent", label_drop=0.0, p_drop=0.5)
  all_null = losses.total_loss(net, _batch(16), jax.random.key(2), 0, 100,
                               cfg=cfg_with(path_drop_null_share=1.0, **sprint), **kw)
  all_label = losses.total_loss(net, _batch(16), jax.random.key(2), 0, 100,
                                cfg=cfg_with(path_drop_null_share=0.0, **sprint), **kw)
  np.testing.assert_array_equal(all_null[1]["fm/loss"], alg1[1]["fm/loss"])
  assert float(all_label[1]["fm/loss"]) != float(alg1[1]["fm/loss"])
  with pytest.raises(ValueError, match="path_drop_null_share"):
    flow_schema.validate_flow_config(cfg_with(path_drop_null_share=1.5))


@pytest.mark.parametrize("kind", ["pdg", "pdg_cond", "pdg_label"])
def test_total_loss_sprint_slices_run_only_their_passes(kind):
  """Batch 16, FM 12: 2 path-dropped (weak), round(0.1 * 10) = 1 label-dropped (full), 9 kept
  (full + the weak reference under stop-gradient)."""
  log = []
  p = mlp_params(3)
  net, net_sg = Recorder("net", bind(mlp_net, p), log), Recorder("sg", bind(mlp_net, p), log)
  cfg = cfg_with(guidance_target=kind, path_drop_label="independent", label_drop=0.1, p_drop=0.2)
  _, m = jax.jit(functools.partial(losses.total_loss, net, cfg=cfg, null_cond=null_cond,
                                   net_sg=net_sg, ratios=dict(fm=0.75, scm=0.25, mva=0.0)))(
      _batch(16), jax.random.key(0), 0, 100)
  assert log[:4] == [("net", True), ("net", False), ("net", False), ("sg", True)], log
  np.testing.assert_allclose(m["fm/dropped"], 2 / 12, rtol=1e-6)


def test_sprint_and_autoguidance_settings_are_checked():
  with pytest.raises(ValueError, match="pdg_cond"):
    flow_schema.validate_flow_config(cfg_with(guidance_target="pdg_cond"))
  with pytest.raises(ValueError, match="pdg_label"):
    flow_schema.validate_flow_config(cfg_with(guidance_target="pdg_label"))
  with pytest.raises(ValueError, match="independent"):
    flow_schema.validate_flow_config(cfg_with(guidance_target="cfg", path_drop_label="independent"))
  with pytest.raises(ValueError, match="static"):
    flow_schema.validate_flow_config(cfg_with(path_drop_label="independent", path_drop_mode="bernoulli"))


def test_total_loss_draws_mva_times_from_the_grid_with_the_sampler_times(monkeypatch):
  seen = []
  real = losses.timesteps.mva_grid
  monkeypatch.setattr(losses.timesteps, "mva_grid", lambda *a: seen.append(a) or real(*a))
  net = bind(mlp_net, mlp_params(4))
  cfg = cfg_with(mva_grid_sampler_steps=4, inference_shift=2.0, mva_target="online")
  losses.total_loss(net, _batch(4), jax.random.key(0), 0, 10, cfg=cfg, null_cond=null_cond,
                    ratios=dict(fm=0.0, scm=0.0, mva=1.0))
  assert seen == [(64, 3.0, 4, 2.0)]
