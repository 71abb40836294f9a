"""Samplers against a case with a known exact flow map (Gaussian data), NFE counts, Alg. 2's
re-noising law and the Euler+CFG update written out by hand."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.schema import flow as flow_schema
from eflow_jax.flow import sampling, timesteps as ts

jax.config.update("jax_default_matmul_precision", "highest")
D = 2
NUM_CLASSES = 2
MUS = jnp.array([[1.5, -0.5], [-2.0, 1.0]])  # class-conditional means
SIG = jnp.array([0.5, 2.0])


def null_cond(c):
  return jnp.full_like(c, NUM_CLASSES)


def gauss_map(x, t, s, mu, sig=SIG):
  m = lambda u: (1 - u) * mu
  sd = lambda u: jnp.sqrt((1 - u) ** 2 * sig ** 2 + u ** 2)
  return m(s) + sd(s) / sd(t) * (x - m(t))


def gauss_velocity(x, t, mu, sig=SIG):
  var = (1 - t) ** 2 * sig ** 2 + t ** 2
  return -mu + (t - (1 - t) * sig ** 2) / var * (x - (1 - t) * mu)


def exact_net(x, t, s, c, w, weak):
  """The exact F of class-conditional Gaussian data (the null class gets class 0's map)."""
  mu = MUS[jnp.minimum(c, NUM_CLASSES - 1)]
  gap = t - s
  safe = jnp.where(jnp.abs(gap) > 1e-6, gap, 1.0)
  return jnp.where(jnp.abs(gap) > 1e-6, (x - gauss_map(x, t, s, mu)) / safe,
                   gauss_velocity(x, t, mu))


def _check_moments(x, c, tol_sd=5.0):
  for k in range(NUM_CLASSES):
    xk = np.asarray(x[np.asarray(c) == k], np.float64)
    n = len(xk)
    np.testing.assert_array_less(np.abs(xk.mean(0) - np.asarray(MUS[k])),
                                 tol_sd * np.asarray(SIG) / np.sqrt(n))
    np.testing.assert_array_less(np.abs(xk.var(0) / np.asarray(SIG) ** 2 - 1),
                                 tol_sd * np.sqrt(2.0 / n))


N = 20000
COND = jnp.arange(N) % NUM_CLASSES


@pytest.mark.parametrize("steps", [1, 2, 4])
@pytest.mark.parametrize("name", ["alg2", "chain"])
def test_samplers_reproduce_gaussian_data_with_exact_map(name, steps):
  fn = {"alg2": sampling.alg2_sample, "chain": sampling.chain_sample}[name]
  run = jax.jit(lambda k: fn(exact_net, k, COND, shape=(D,), steps=steps, shift=3.0, w=4.0))
  _check_moments(run(jax.random.key(steps)), COND)


def test_samplers_detect_a_wrong_map():
  """The moment check has power: a map that is 10% too slow fails it."""
  slow = lambda *a: 0.9 * exact_net(*a)
  x = sampling.chain_sample(slow, jax.random.key(0), COND, shape=(D,), steps=1)
  with pytest.raises(AssertionError):
    _check_moments(x, COND)


def test_euler_cfg_with_exact_velocity_and_scale_one():
  run = jax.jit(lambda k: sampling.euler_cfg_sample(exact_net, k, COND, null_cond=null_cond,
                                                    shape=(D,), steps=200, shift=1.0,
                                                    cfg_scale=1.0))
  _check_moments(run(jax.random.key(0)), COND, tol_sd=6.0)


def test_euler_cfg_step_by_hand():
  """One step from fixed noise: x1 = x + (t_next - 1) * (g F(x,1,1,c) + (1-g) F(x,1,1,null))."""
  r = np.random.RandomState(0)
  a, e = r.randn(NUM_CLASSES + 1, D), r.randn(D)
  net = lambda x, t, s, c, w, weak: jnp.asarray(a)[c] + jnp.asarray(e) * (x * t + w)
  noise = jnp.asarray(r.randn(3, D), jnp.float32)
  c = jnp.array([0, 1, 1])
  got = sampling.euler_cfg_sample(net, jax.random.key(0), c, null_cond=null_cond, shape=(D,),
                                  steps=1, cfg_scale=3.0, w_net=0.5, noise=noise)
  x = np.asarray(noise, np.float64)
  f = lambda cls: a[cls] + e * (x * 1.0 + 0.5)
  want = x + (0.0 - 1.0) * (3.0 * f(np.asarray(c)) + (1 - 3.0) * f(np.full(3, NUM_CLASSES)))
  np.testing.assert_allclose(got, want, rtol=1e-5)


def test_alg2_renoising_law():
  """A net whose jump from t=1 lands on `target` and that is the identity below t=1: after one
  re-noising to t_1 the output is t_1 z + (1 - t_1) target, z ~ N(0, I)."""
  target = jnp.array([3.0, -1.0])
  net = lambda x, t, s, c, w, weak: jnp.where(t > 0.999, (x - target) / (t - s), 0.0 * x)
  x = sampling.alg2_sample(net, jax.random.key(1), jnp.zeros(N, jnp.int32), shape=(D,), steps=2,
                           shift=3.0)
  t1 = 0.75  # shift(0.5, 3)
  x = np.asarray(x, np.float64)
  np.testing.assert_allclose(x.mean(0), (1 - t1) * np.asarray(target), atol=5 * t1 / np.sqrt(N))
  np.testing.assert_allclose(x.std(0), [t1, t1], rtol=5 * np.sqrt(0.5 / N))
  # the chained sampler with the same net is deterministic: it stays at f(x, 1, t_1) = x
  y = sampling.chain_sample(net, jax.random.key(1), jnp.zeros(4, jnp.int32), shape=(D,), steps=2)
  y2 = sampling.chain_sample(net, jax.random.key(2), jnp.zeros(4, jnp.int32), shape=(D,), steps=2,
                             noise=y)
  assert np.all(np.isfinite(y)) and np.allclose(y2, y, atol=1e-6)


def test_alg2_feeds_guidance_scale_and_jumps_to_zero():
  seen, ws = [], []

  def net(x, t, s, c, w, weak):  # t, s are shared by the batch; w is per example (batched)
    seen.append((float(t), float(s), weak))
    jax.debug.callback(lambda v: ws.append(float(v)), w)
    return 0.0 * x
  with jax.disable_jit():
    sampling.alg2_sample(net, jax.random.key(0), jnp.zeros(1, jnp.int32), shape=(D,), steps=4,
                         w=3.5)
  grid = np.asarray(ts.inference_grid(4, 3.0))
  assert [round(a, 6) for a, *_ in seen] == [round(float(g), 6) for g in grid[:-1]]
  assert all(s == 0.0 and weak is False for _, s, weak in seen) and ws == [3.5] * 4


class Counter:
  def __init__(self):
    self.n = 0

  def __call__(self, x, t, s, c, w, weak):
    self.n += 1
    return 0.1 * x


@pytest.mark.parametrize("steps", [1, 2, 4, 7])
def test_nfe_counts(steps):
  cond = jnp.zeros(3, jnp.int32)
  kw = dict(shape=(D,))
  expected = {"alg2": steps, "chain": steps, "one_step": 1, "euler_cfg": 2 * steps}
  cfg = flow_schema.flow_config()
  for name, want in expected.items():
    cnt = Counter()
    with jax.disable_jit():  # scan runs its body once per step; vmap calls the net once
      sampling.sample(cnt, jax.random.key(0), cond, cfg=cfg, null_cond=null_cond, steps=steps,
                      sampler=name, **kw)
    assert cnt.n == want, (name, cnt.n, want)


def test_one_step_is_f_at_1_0():
  noise = jnp.asarray(np.random.RandomState(1).randn(5, D), jnp.float32)
  c = jnp.arange(5) % NUM_CLASSES
  got = sampling.one_step_sample(exact_net, jax.random.key(0), c, shape=(D,), noise=noise)
  want = jax.vmap(lambda x, cc: gauss_map(x, 1.0, 0.0, MUS[cc]))(noise, c)
  np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_sample_dispatch_errors():
  cfg = flow_schema.flow_config()
  with pytest.raises(ValueError, match="sampler"):
    sampling.sample(exact_net, jax.random.key(0), COND[:2], cfg=cfg, sampler="heun")
  with pytest.raises(ValueError, match="null_cond"):
    sampling.sample(exact_net, jax.random.key(0), COND[:2], cfg=cfg, sampler="euler_cfg")


A_W = jnp.array([[0.7, -1.3], [0.2, 0.9]])     # the solution's slope in w, per class
B_W = jnp.array([[1.0, 0.5], [-2.0, 0.25]])


def w_landing_net(x, t, s, c, w, weak):
  """F = (x - g(c, w)) / t, g(c, w) = A_W[c] w + B_W[c]: the solution map is
  f(x, t, s) = (s / t) x + (1 - s / t) g(c, w), which lands on g(c, w) whenever s = 0. So Alg. 2,
  the chained sampler and the one-step sampler all return g(c, w) for the w the net was handed,
  exactly, whatever the noise, the re-noising and the step count."""
  return (x - (A_W[c] * w + B_W[c])) / t


@pytest.mark.parametrize("name", ["alg2", "chain", "one_step"])
def test_sample_hands_the_solution_map_w_inf(name):
  """sampling.sample (the dispatch every mode calls) with cfg.w_inf != cfg.unguided_w returns the
  closed form at w_inf, not at the unguided value (docs/method.md §6: f(x, t_n, 0, c, w_inf))."""
  cfg = flow_schema.flow_config()
  cfg.w_inf, cfg.unguided_w = 3.25, 0.0
  c = jnp.array([0, 1, 1, 0])
  got = sampling.sample(w_landing_net, jax.random.key(0), c, cfg=cfg, shape=(D,), steps=3, sampler=name)
  np.testing.assert_allclose(got, np.asarray(A_W)[c] * 3.25 + np.asarray(B_W)[c], rtol=1e-5, atol=1e-5)
  unguided = np.asarray(A_W)[c] * 0.0 + np.asarray(B_W)[c]
  assert np.abs(np.asarray(got) - unguided).min() > 0.5


def test_sample_feeds_every_call_exactly_w_inf_and_cfg_the_unguided_input():
  """A spy on the net's guidance input: every network evaluation of alg2 / chain / one_step gets
  w_inf; euler_cfg (the FM baseline) feeds the network the unguided input and uses w_inf as its
  CFG scale."""
  cfg = flow_schema.flow_config()
  cfg.w_inf, cfg.unguided_w = 2.75, 0.5
  for name, want in [("alg2", 2.75), ("chain", 2.75), ("one_step", 2.75), ("euler_cfg", 0.5)]:
    ws = []

    def net(x, t, s, c, w, weak):
      jax.debug.callback(lambda v: ws.extend(np.ravel(v).tolist()), w)
      return 0.1 * x
    with jax.disable_jit():
      sampling.sample(net, jax.random.key(0), jnp.zeros(2, jnp.int32), cfg=cfg, null_cond=null_cond,
                      shape=(D,), steps=2, sampler=name)
    nfe = {"alg2": 2, "chain": 2, "one_step": 1, "euler_cfg": 4}[name]
    # One value per call, or per example and call where w is batched (the solution-map samplers).
    assert len(ws) in (nfe, 2 * nfe) and set(ws) == {want}, (name, ws)


def test_sample_dispatches_euler_cfg_with_w_inf_as_the_cfg_scale():
  """sampling.sample(sampler='euler_cfg'), one step from fixed noise, against the Euler + CFG
  update by hand: x1 = x - (g F(x,1,1,c,w0) + (1-g) F(x,1,1,null,w0)), g = w_inf, w0 = unguided_w."""
  r = np.random.RandomState(1)
  a, e = r.randn(NUM_CLASSES + 1, D), r.randn(D)
  net = lambda x, t, s, c, w, weak: jnp.asarray(a)[c] + jnp.asarray(e) * (x * t + w)
  noise = jnp.asarray(r.randn(3, D), jnp.float32)
  c = jnp.array([0, 1, 1])
  cfg = flow_schema.flow_config()
  cfg.w_inf, cfg.unguided_w = 2.5, 0.25
  got = sampling.sample(net, jax.random.key(0), c, cfg=cfg, null_cond=null_cond, shape=(D,), steps=1,
                        sampler="euler_cfg", noise=noise)
  x = np.asarray(noise, np.float64)
  f = lambda cls: a[cls] + e * (x * 1.0 + 0.25)
  want = x - (2.5 * f(np.asarray(c)) + (1 - 2.5) * f(np.full(3, NUM_CLASSES)))
  np.testing.assert_allclose(got, want, rtol=1e-5)
