"""2-D proof that the EFlow objective yields a few-step generator (docs/method.md §3, §6).

Data: 8 Gaussians on a circle, class = mode. A small Flax MLP solution map F(x, t, s, c, w) with an
encoder / middle / decoder, where the weak path skips the middle stack and puts a learned [MASK]
vector in its place before the fusion Linear(concat([middle_or_mask, encoder])) (the same shape as
the video model's token-drop design), is trained with the same steps / batch / model by
  fm         plain FM (guidance_target=none), sampled by Euler + CFG (2 NFE / step)
  sfm        SoFlow-style FM+SCM with the full-network CFG target (guidance_target=cfg)
  sfm_mva    sfm, MVA switched on for the last 20% of steps
  pdg        PDG-SFM (weak-path target), no MVA
  pdg_mva    PDG-SFM + MVA (EFlow)
and evaluated at 1, 2, 4 steps (and 50 for fm) by sliced Wasserstein-2 and RBF-MMD against fresh
data, and the fraction of samples whose nearest mode is their class.

  python benchmarks/paper/toy2d.py            # full run (~6-8 min on 2 CPU cores)
  python benchmarks/paper/toy2d.py --quick    # ~1 min smoke run
Writes benchmarks/results/toy2d.json and toy2d.png.
"""
from __future__ import annotations

import argparse
import functools
import math
import os
import struct
import time
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import linen as nn

from benchmarks import scaffold
from eflow_jax.schema import flow as flow_schema
from eflow_jax.flow import losses, sampling

NUM_MODES = 8
RADIUS = 2.0
MODE_STD = 0.15
MODES = jnp.array([[RADIUS * math.cos(2 * math.pi * k / NUM_MODES),
                    RADIUS * math.sin(2 * math.pi * k / NUM_MODES)] for k in range(NUM_MODES)])


def sample_data(key, n):
  kc, kx = jax.random.split(key)
  c = jax.random.randint(kc, (n,), 0, NUM_MODES)
  return MODES[c] + MODE_STD * jax.random.normal(kx, (n, 2)), c


def null_cond(c):
  return jnp.full_like(c, NUM_MODES)


# ----------------------------------------------------------------------------------------------
# Model.
# ----------------------------------------------------------------------------------------------
def sinusoidal(x, dim=64, max_period=1000.0):
  half = dim // 2
  freqs = jnp.exp(-math.log(max_period) * jnp.arange(half) / half)
  a = x[:, None] * freqs[None] * 1000.0 / max_period * 100.0
  return jnp.concatenate([jnp.cos(a), jnp.sin(a)], -1)


class Block(nn.Module):
  width: int

  @nn.compact
  def __call__(self, h, emb):
    film = nn.Dense(2 * self.width, kernel_init=nn.initializers.zeros)(emb)
    scale, shift = jnp.split(film, 2, -1)
    y = nn.LayerNorm(use_scale=False, use_bias=False)(h) * (1 + scale) + shift
    y = nn.Dense(self.width)(nn.silu(nn.Dense(self.width)(y)))
    return h + y


class ToySolutionMap(nn.Module):
  """F(x, t, s, c, w): batched inputs x (B,2), t/s/w (B,), c (B,) int; `weak` skips the middle."""
  width: int = 128
  n_enc: int = 1
  n_mid: int = 3
  n_dec: int = 1

  @nn.compact
  def __call__(self, x, t, s, c, w, weak: bool = False):
    emb = (nn.Dense(self.width)(sinusoidal(t)) + nn.Dense(self.width)(sinusoidal(t - s))
           + nn.Dense(self.width)(sinusoidal(w / 5.0))
           + nn.Embed(NUM_MODES + 1, self.width)(c))
    emb = nn.Dense(self.width)(nn.silu(emb))
    h = nn.Dense(self.width)(x)
    for _ in range(self.n_enc):
      h = Block(self.width)(h, emb)
    mask = self.param("mask", nn.initializers.normal(0.02), (self.width,))
    if weak:
      mid = jnp.broadcast_to(mask, h.shape)
    else:
      mid = h
      for _ in range(self.n_mid):
        mid = Block(self.width)(mid, emb)
    h = nn.Dense(self.width, name="fuse")(jnp.concatenate([mid, h], -1))
    for _ in range(self.n_dec):
      h = Block(self.width)(h, emb)
    return nn.Dense(2, kernel_init=nn.initializers.zeros)(nn.silu(h))


def per_example(model, params):
  """The objective's contract: net(x, t, s, cond, w, weak) for one example."""
  def net(x, t, s, c, w, weak):
    return model.apply(params, x[None], t[None], s[None], c[None], w[None], weak)[0]
  return net


# ----------------------------------------------------------------------------------------------
# Methods and training.
# ----------------------------------------------------------------------------------------------
def method_configs(toy_w):
  """{method: (flow config, MVA in stage 2)}: the named objectives (schema/objectives.py) at the
  toy's guidance range."""
  w_lo, w_hi, w_inf = toy_w

  def make(objective):
    return flow_schema.flow_config(objective=objective, w_min=w_lo, w_max=w_hi, w_inf=w_inf,
                                   mva_target="ema")
  return {
      "fm": (make("fm"), False),
      "sfm": (make("sfm"), False),
      "sfm_mva": (make("sfm"), True),
      "pdg": (make("pdg_sfm"), False),
      "pdg_mva": (make("pdg_sfm"), True),
  }


STAGE1 = dict(fm=0.75, scm=0.25)
# The toy's own stage 2 (more MVA than App. C.1's 0.5 : 0.25 : 0.25), as the 2-D check has always run it.
STAGE2_MVA = dict(fm=0.6, scm=0.2, mva=0.2)


def train(name, cfg, use_mva, steps, batch, seed, lr, ema_decay, log_every):
  model = ToySolutionMap()
  key = jax.random.key(seed)
  k_init, key = jax.random.split(key)
  z = jnp.zeros((1,))
  params = model.init(k_init, jnp.zeros((1, 2)), z, z, jnp.zeros((1,), jnp.int32), z)
  opt = optax.adam(lr)
  opt_state = opt.init(params)
  ema = params

  def make_step(ratios):
    @jax.jit
    def step(params, ema, opt_state, key, k):
      kd, kl = jax.random.split(key)
      data = sample_data(kd, batch)

      def loss_fn(p):
        return losses.total_loss(per_example(model, p), data, kl, k, steps, cfg=cfg,
                                 null_cond=null_cond,
                                 net_sg=per_example(model, jax.lax.stop_gradient(p)),
                                 net_ema=per_example(model, ema), ratios=ratios)
      (_, m), g = jax.value_and_grad(loss_fn, has_aux=True)(params)
      updates, opt_state = opt.update(g, opt_state, params)
      params = optax.apply_updates(params, updates)
      ema = jax.tree.map(lambda e, p: ema_decay * e + (1 - ema_decay) * p, ema, params)
      return params, ema, opt_state, m
    return step

  if cfg.guidance_target == "none":
    stages = [(dict(fm=1.0), steps)]
  elif use_mva:
    stages = [(STAGE1, int(0.8 * steps)), (STAGE2_MVA, steps - int(0.8 * steps))]
  else:
    stages = [(STAGE1, steps)]
  k, t0 = 0, time.time()
  for ratios, n in stages:
    step = make_step(ratios)
    for _ in range(n):
      key, sub = jax.random.split(key)
      params, ema, opt_state, m = step(params, ema, opt_state, sub, k)
      k += 1
      if log_every and (k % log_every == 0 or k == steps):
        msg = " ".join(f"{a}={float(b):.4f}" for a, b in sorted(m.items()) if "loss" in a)
        print(f"  [{name}] step {k}/{steps} {msg} ({time.time() - t0:.0f}s)", flush=True)
  return model, ema, time.time() - t0


# ----------------------------------------------------------------------------------------------
# Metrics.
# ----------------------------------------------------------------------------------------------
def sliced_w2(a, b, key, n_proj=256):
  d = jax.random.normal(key, (n_proj, 2))
  d = d / jnp.linalg.norm(d, axis=1, keepdims=True)
  pa, pb = jnp.sort(a @ d.T, 0), jnp.sort(b @ d.T, 0)
  return float(jnp.sqrt(jnp.mean((pa - pb) ** 2)))


def mmd_rbf(a, b, bandwidths=(0.1, 0.3, 1.0)):
  def k(x, y):
    d2 = jnp.sum((x[:, None] - y[None]) ** 2, -1)
    return sum(jnp.exp(-d2 / (2 * h * h)) for h in bandwidths)
  return float(jnp.sqrt(jnp.maximum(jnp.mean(k(a, a)) + jnp.mean(k(b, b)) - 2 * jnp.mean(k(a, b)),
                                    0.0)))


def mode_accuracy(x, c):
  nearest = jnp.argmin(jnp.sum((x[:, None] - MODES[None]) ** 2, -1), 1)
  return float(jnp.mean(nearest == c))


def evaluate(x, c, ref, key):
  bad = ~jnp.all(jnp.isfinite(x), -1)
  x = jnp.where(bad[:, None], 1e3, x)
  return {"sw2": sliced_w2(x, ref, key), "mmd": mmd_rbf(x, ref), "acc": mode_accuracy(x, c)}


# ----------------------------------------------------------------------------------------------
# A dependency-free PNG scatter grid.
# ----------------------------------------------------------------------------------------------
PALETTE = np.array([[230, 25, 75], [60, 180, 75], [255, 180, 0], [0, 130, 200], [245, 130, 48],
                    [145, 30, 180], [70, 200, 200], [240, 50, 230]], np.uint8)


def _png(path, img):
  h, w, _ = img.shape
  raw = b"".join(b"\x00" + img[i].tobytes() for i in range(h))
  chunk = lambda tag, data: (struct.pack(">I", len(data)) + tag + data
                             + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
  with open(path, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def scatter_grid(path, panels, ncols, size=180, lim=3.2):
  """panels: list of (x (n,2), c (n,)) or None; each drawn in a size x size cell, [-lim, lim]^2."""
  nrows = math.ceil(len(panels) / ncols)
  img = np.full((nrows * size, ncols * size, 3), 255, np.uint8)
  for i, p in enumerate(panels):
    r0, c0 = (i // ncols) * size, (i % ncols) * size
    img[r0:r0 + size, c0] = img[r0, c0:c0 + size] = 200
    if p is None:
      continue
    x, c = np.asarray(p[0]), np.asarray(p[1])
    ok = np.all(np.abs(x) < lim, 1)
    px = ((x[ok, 0] + lim) / (2 * lim) * (size - 3)).astype(int) + 1
    py = ((lim - x[ok, 1]) / (2 * lim) * (size - 3)).astype(int) + 1
    img[r0 + py, c0 + px] = PALETTE[c[ok] % len(PALETTE)]
  _png(path, img)


# ----------------------------------------------------------------------------------------------
def parse_args(argv=None):
  ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  ap.add_argument("--quick", action="store_true", help="~1 minute smoke run")
  ap.add_argument("--steps", type=int, default=None)
  ap.add_argument("--batch", type=int, default=256)
  ap.add_argument("--lr", type=float, default=1e-3)
  ap.add_argument("--seed", type=int, default=0)
  ap.add_argument("--n_eval", type=int, default=None)
  ap.add_argument("--methods", default="fm,sfm,sfm_mva,pdg,pdg_mva")
  ap.add_argument("--w", default="1.5,3.5,2.5",
                  help="training guidance range and inference scale: w_min,w_max,w_inf")
  ap.add_argument("--out", default=scaffold.RESULTS, help="folder of toy2d.json, toy2d.png and its panel list")
  return ap.parse_args(argv)


def sample_and_score(name, cfg, net, cond, noise, ref, k_noise, k_sw):
  """The trained method sampled at 1, 2, 4 steps (and 50 for fm; Alg. 2 and the chained map for
  the few-step objectives), each scored: ({sampler@steps: scores}, [grid panels], [their labels])."""
  res, panels, labels = {}, [], []
  if cfg.guidance_target == "none":
    for n in (1, 2, 4, 50):
      x = jax.jit(functools.partial(sampling.euler_cfg_sample, net, null_cond=null_cond,
                                    steps=n, shift=cfg.inference_shift, cfg_scale=cfg.w_inf,
                                    w_net=cfg.unguided_w))(k_noise, cond, noise=noise)
      res[f"euler_cfg@{n}"] = evaluate(x, cond, ref, k_sw)
      res[f"euler_cfg@{n}"]["nfe"] = 2 * n
      panels.append((x, cond))
      labels.append(f"{name} euler+cfg {n}")
    # reference: the same model without guidance (scale 1), to show what guidance does to the
    # distance from the (unguided) data distribution
    x = jax.jit(functools.partial(sampling.euler_cfg_sample, net, null_cond=null_cond, steps=50,
                                  shift=cfg.inference_shift, cfg_scale=1.0,
                                  w_net=cfg.unguided_w))(k_noise, cond, noise=noise)
    res["euler_noguid@50"] = evaluate(x, cond, ref, k_sw)
    res["euler_noguid@50"]["nfe"] = 100
  else:
    for sampler in ("alg2", "chain"):
      fn = sampling.alg2_sample if sampler == "alg2" else sampling.chain_sample
      for n in (1, 2, 4):
        x = jax.jit(functools.partial(fn, net, steps=n, shift=cfg.inference_shift,
                                      w=cfg.w_inf))(jax.random.fold_in(k_noise, n), cond,
                                                    noise=noise)
        res[f"{sampler}@{n}"] = evaluate(x, cond, ref, k_sw)
        res[f"{sampler}@{n}"]["nfe"] = n
        if sampler == "alg2":
          panels.append((x, cond))
          labels.append(f"{name} alg2 {n}")
    panels.append(None)
    labels.append("")
  return res, panels, labels


def print_table(results: dict) -> None:
  print("\n| method | sampler | steps | NFE | SW2 | MMD | mode acc |")
  print("|---|---|---|---|---|---|---|")
  f = results["data_floor"]
  print(f"| data (floor) | - | - | - | {f['sw2']:.4f} | {f['mmd']:.4f} | {f['acc']:.3f} |")
  for name, res in results["methods"].items():
    for k, v in res.items():
      if isinstance(v, dict):
        s, n = k.split("@")
        print(f"| {name} | {s} | {n} | {v['nfe']} | {v['sw2']:.4f} | {v['mmd']:.4f} "
              f"| {v['acc']:.3f} |")


def main(argv=None):
  args = parse_args(argv)
  steps = args.steps or (600 if args.quick else 6000)
  n_eval = args.n_eval or (1000 if args.quick else 4000)
  toy_w = tuple(float(v) for v in args.w.split(","))
  os.makedirs(args.out, exist_ok=True)

  key = jax.random.key(12345)
  k_ref, k_ref2, k_cond, k_noise, k_sw = jax.random.split(key, 5)
  cond = jnp.arange(n_eval) % NUM_MODES  # balanced classes for generation and the data floor
  ref, _ = sample_data(k_ref, n_eval)
  ref2 = MODES[cond] + MODE_STD * jax.random.normal(k_ref2, (n_eval, 2))
  noise = jax.random.normal(k_noise, (n_eval, 2))
  results = {"setup": {"steps": steps, "batch": args.batch, "lr": args.lr, "n_eval": n_eval,
                       "w_min_max_inf": toy_w, "stage2_ratios_with_mva": STAGE2_MVA,
                       "stage1_ratios": STAGE1, "jax": jax.__version__},
             "data_floor": evaluate(ref2, cond, ref, k_sw), "methods": {}}
  print(f"data vs data floor: {results['data_floor']}")
  # one row per method: steps 1, 2, 4 (and 50 for fm); the first row is fresh data
  panels, labels = [(ref2, cond), None, None, None], ["data", "", "", ""]
  for name in args.methods.split(","):
    cfg, use_mva = method_configs(toy_w)[name]
    print(f"== {name}: guidance_target={cfg.guidance_target} mva={use_mva}", flush=True)
    model, ema, secs = train(name, cfg, use_mva, steps, args.batch, args.seed, args.lr,
                             0.995 if args.quick else 0.999, max(steps // 4, 1))
    net = per_example(model, ema)
    res = {"train_seconds": secs}
    scored, method_panels, method_labels = sample_and_score(name, cfg, net, cond, noise, ref, k_noise, k_sw)
    res.update(scored)
    panels += method_panels
    labels += method_labels
    results["methods"][name] = res
    for k, v in res.items():
      if isinstance(v, dict):
        print(f"  {k:14s} sw2={v['sw2']:.4f} mmd={v['mmd']:.4f} acc={v['acc']:.3f}", flush=True)

  print_table(results)
  scaffold.write_json(results, os.path.join(args.out, "toy2d.json"), __file__, argv, announce=False)
  scatter_grid(os.path.join(args.out, "toy2d.png"), panels, ncols=4)
  rows = [" | ".join(labels[i:i + 4]) for i in range(0, len(labels), 4)]
  with open(os.path.join(args.out, "toy2d_png_panels.txt"), "w") as fh:
    fh.write("\n".join(rows) + "\n")
  print(f"wrote {args.out}/toy2d.json and toy2d.png; panel rows:\n  " + "\n  ".join(rows))


if __name__ == "__main__":
  main()
