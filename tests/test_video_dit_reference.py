"""VideoDiT's forward pass (dense, token-dropped, weak) against a float64 NumPy re-derivation.

The reference below is written from docs/method.md (§1 conditioning, §4 GLGA, §5 VideoDiT with
SPRINT token dropping), not from the model code: the encoder runs on every token; the middle stack
runs on the kept tokens ONLY, each kept token rotated by RoPE at its own (t, h, w) coordinate in the
dense grid and its local window read on original raster positions; the dropped positions are refilled
with the learned [MASK] vector; `Linear(concat([restored, dense]))` fuses the result with the dense
encoder output; the decoder runs on every token. Dropped tokens are simply absent from the middle
stack: no key, no value, no query. Conventions the paper leaves open (DiT's [cos, sin] timestep
features, the adaLN chunk order shift/scale/gate, Wan 2.1's RoPE channel split, the norms' 1e-6)
follow the docstrings of models/embeddings.py, models/blocks.py and models/rope.py.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.models.scan_layout import scanned_to_unrolled
from eflow_jax.models.token_drop import sample_keep_indices
from conftest import model_inputs, tiny_model


# ---- The reference, float64 NumPy. -------------------------------------------------------------
def _np(a):
  return np.asarray(a, np.float64)


def dense(p, x):
  return x @ _np(p["kernel"]) + _np(p["bias"])


def silu(x):
  return x / (1.0 + np.exp(-x))


def sigmoid(x):
  return 1.0 / (1.0 + np.exp(-x))


def gelu_tanh(x):
  return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def layer_norm(x, eps=1e-6):
  mu = x.mean(-1, keepdims=True)
  return (x - mu) / np.sqrt(((x - mu) ** 2).mean(-1, keepdims=True) + eps)


def rms_norm(x, scale, eps=1e-6):
  return x / np.sqrt((x ** 2).mean(-1, keepdims=True) + eps) * _np(scale)


def sinusoid(v, n=256, max_period=10000.0):
  """[cos, sin] of v times geometric frequencies exp(-ln(max_period) i / (n/2)) (DiT's embedder)."""
  freqs = np.exp(-math.log(max_period) * np.arange(n // 2) / (n // 2))
  args = np.asarray(v, np.float64)[:, None] * freqs
  return np.concatenate([np.cos(args), np.sin(args)], -1)


def scalar_embedding(p, v):
  return dense(p["fc2"], silu(dense(p["fc1"], sinusoid(v))))


def rope_rotate(x, coords, theta=10000.0):
  """x (N, heads, hd) rotated pairwise by 3D RoPE at integer coords (N, 3) = (t, h, w). Wan 2.1's
  split of the head dimension: h and w get 2 * (hd // 6) channels each, t the rest; channel pair
  (2i, 2i+1) of an axis with c channels turns by coord * theta^(-2i / c)."""
  hd = x.shape[-1]
  spatial = 2 * (hd // 6)
  angles = []
  for axis, c in enumerate((hd - 2 * spatial, spatial, spatial)):
    angles.append(coords[:, axis, None].astype(np.float64) * theta ** (-np.arange(0, c, 2) / c))
  ang = np.concatenate(angles, -1)[:, None, :]                  # (N, 1, hd/2)
  a, b = x[..., 0::2], x[..., 1::2]
  out = np.empty_like(x)
  out[..., 0::2] = a * np.cos(ang) - b * np.sin(ang)
  out[..., 1::2] = a * np.sin(ang) + b * np.cos(ang)
  return out


def self_attention(p, x, positions, grid, kind, heads, radius):
  """One example's self-attention over the tokens present, x (n, D), positions (n,) raster indices
  in the dense grid (ascending). GLGA (docs/method.md §4): gated sum of the normalised global
  linear branch q (sum_j k_j^T v_j) and the normalised local softmax over present keys with
  |pos_i - pos_j| <= radius. 'softmax': full softmax attention over the present tokens."""
  n, D = x.shape
  hd = D // heads
  T, H, W = grid
  coords = np.stack([positions // (H * W), (positions // W) % H, positions % W], -1)
  q, k, v = np.split(dense(p["qkv"]["qkv"], x), 3, -1)
  q, k = rms_norm(q, p["qkv"]["q_norm"]["scale"]), rms_norm(k, p["qkv"]["k_norm"]["scale"])
  q, k, v = (a.reshape(n, heads, hd) for a in (q, k, v))
  q, k = rope_rotate(q, coords), rope_rotate(k, coords)
  scores = np.einsum("ihd,jhd->hij", q, k) / math.sqrt(hd)

  def softmax_over(allowed):
    s = np.where(allowed[None], scores, -np.inf)
    e = np.exp(s - s.max(-1, keepdims=True))
    return np.einsum("hij,jhd->ihd", e / e.sum(-1, keepdims=True), v).reshape(n, D)

  if kind == "softmax":
    out = softmax_over(np.ones((n, n), bool))
  else:
    assert kind == "glga", kind
    o_global = np.einsum("ihd,hde->ihe", q, np.einsum("jhd,jhe->hde", k, v)).reshape(n, D)
    o_local = softmax_over(np.abs(positions[:, None] - positions[None, :]) <= radius)
    g = sigmoid(dense(p["gate"], x))
    out = (g[:, :1] * rms_norm(o_global, p["global_norm"]["scale"])
           + g[:, 1:] * rms_norm(o_local, p["local_norm"]["scale"]))
  return dense(p["out"], out)


def dit_block(p, x, c, positions, grid, kind, heads, radius):
  """x += g1 * Attn(mod(LN(x))); x += g2 * FFN(mod(LN(x))) with adaLN-Zero's six vectors."""
  shift1, scale1, gate1, shift2, scale2, gate2 = np.split(dense(p["adaln"], silu(c)), 6)
  h = layer_norm(x) * (1 + scale1) + shift1
  x = x + gate1 * self_attention(p["self_attn"], h, positions, grid, kind, heads, radius)
  h = layer_norm(x) * (1 + scale2) + shift2
  return x + gate2 * dense(p["ffn"]["fc2"], gelu_tanh(dense(p["ffn"]["fc1"], h)))


def reference_forward(model, params, x, t, s, w, y, keep=None, weak=False):
  """F(x, t, s, y, w) of an unrolled-layout parameter tree, one example at a time.

  keep: None (dense middle stack) or per example a sorted array of kept raster indices.
  """
  x = _np(x)
  B, T, H, W, C = x.shape
  pt, ph, pw = model.patch
  grid = (T // pt, H // ph, W // pw)
  N = grid[0] * grid[1] * grid[2]
  tokens = x.reshape(B, grid[0], pt, grid[1], ph, grid[2], pw, C).transpose(0, 1, 3, 5, 2, 4, 6, 7)
  tokens = tokens.reshape(B, N, pt * ph * pw * C)
  c_all = (scalar_embedding(params["cond"]["emb_t"], _np(t))
           + scalar_embedding(params["cond"]["emb_gap"], _np(t) - _np(s))
           + scalar_embedding(params["cond"]["emb_w"], _np(w))
           + _np(params["cond"]["emb_class"]["embedding"])[np.asarray(y)])
  radius = (model.window_frames * grid[1] * grid[2]) // 2       # a centred window of m frames
  kinds = ["softmax" if model.softmax_every and (i + 1) % model.softmax_every == 0 else model.attention
           for i in range(model.num_blocks)]
  e, m = model.encoder_blocks, model.middle_blocks
  everything = np.arange(N)
  out = []
  for b in range(B):
    c = c_all[b]

    def run(h, first, count, name, positions):
      for i in range(count):
        h = dit_block(params[f"{name}_{i}"], h, c, positions, grid, kinds[first + i], model.num_heads, radius)
      return h

    h_dense = run(dense(params["patch_embed"], tokens[b]), 0, e, "encoder", everything)
    mask = _np(params["mask_token"])
    if weak:
      restored = np.broadcast_to(mask, h_dense.shape)
    elif keep is None:
      restored = run(h_dense, e, m, "middle", everything)
    else:
      kept = np.asarray(keep[b])
      restored = np.tile(mask, (N, 1))
      restored[kept] = run(h_dense[kept], e, m, "middle", kept)
    h = dense(params["fuse"], np.concatenate([restored, h_dense], -1))
    h = run(h, e + m, model.decoder_blocks, "decoder", everything)
    shift, scale = np.split(dense(params["head_adaln"], silu(c)), 2)
    out.append(dense(params["head"], layer_norm(h) * (1 + scale) + shift))
  out = np.stack(out).reshape(B, *grid, pt, ph, pw, C).transpose(0, 1, 4, 2, 5, 3, 6, 7)
  return out.reshape(B, T, H, W, C)


# ---- Keep sets. ----------------------------------------------------------------------------------
def group_keeps(grid, group, members):
  """Kept raster indices when every (group) tile keeps its members `members` (offsets inside the
  tile), sorted ascending: a hand-built structured keep."""
  T, H, W = grid
  kept = [((gt + dt) * H + gh + dh) * W + gw + dw
          for gt in range(0, T, group[0]) for gh in range(0, H, group[1]) for gw in range(0, W, group[2])
          for (dt, dh, dw) in members]
  return np.sort(np.asarray(kept, np.int32))


def check_keeps(keep, grid, group, per_group):
  """The keep set is a SPRINT keep: sorted, distinct, exactly `per_group` in every tile."""
  T, H, W = grid
  keep = np.asarray(keep)
  assert np.all(np.diff(keep) > 0)
  t, h, w = keep // (H * W), (keep // W) % H, keep % W
  tile = ((t // group[0]) * (H // group[1]) + h // group[1]) * (W // group[2]) + w // group[2]
  assert np.all(np.bincount(tile, minlength=(T * H * W) // math.prod(group)) == per_group)


def random_params(model, x, t, s, w, y, seed=0, scale=0.2):
  """Every parameter N(0, scale^2) (shapes from an abstract init, values from NumPy: no compile)."""
  shapes = jax.eval_shape(lambda: model.init(jax.random.PRNGKey(0), x, t, s, w, y))["params"]
  rng = np.random.default_rng(seed)
  return jax.tree.map(lambda a: jnp.asarray(scale * rng.standard_normal(a.shape), a.dtype), shapes)


class Net:
  """One random tiny VideoDiT (scanned blocks, the default layout) on one latent shape, with its
  parameters also in the unrolled layout for the reference, and jitted applies."""

  def __init__(self, latent_shape, seed=0):
    self.model = tiny_model(window_frames=2)        # a window of 2 of the 4 frames: local, not global
    x, t, _, _ = model_inputs(shape=latent_shape, seed=seed)
    # s = 0.3 t: the gap t - s differs from s itself (at s = t / 2 the two would coincide).
    self.inputs = (x, t, 0.3 * t, jnp.array([3.0, 1.5]), jnp.array([3, 10]))    # 10: the null label
    self.params = random_params(self.model, *self.inputs, seed=seed)
    self.unrolled = scanned_to_unrolled(self.params, self.model)
    self.grid = (latent_shape[0], latent_shape[1] // 2, latent_shape[2] // 2)
    self._keep = jax.jit(lambda p, k: self.model.apply({"params": p}, *self.inputs, keep_indices=k))

  def dense(self, weak=False):
    return jax.jit(lambda p: self.model.apply({"params": p}, *self.inputs, weak=weak))(self.params)

  def with_keep(self, keep):
    return self._keep(self.params, jnp.asarray(keep))

  def with_drop_ratio(self, group, drop_ratio, rng):
    """What training calls: the model picks the keep set from `rng` with its token_drop_group."""
    model = self.model.clone(token_drop_group=group)
    apply = jax.jit(lambda p, r: model.apply({"params": p}, *self.inputs, drop_ratio=drop_ratio, rng=r))
    return apply(self.params, rng)

  def reference(self, **kw):
    return reference_forward(self.model, self.unrolled, *self.inputs, **kw)


_NETS = {}


def net_for(latent_shape) -> Net:
  if latent_shape not in _NETS:
    _NETS[latent_shape] = Net(latent_shape)
  return _NETS[latent_shape]


def _assert_close(got, want):
  got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
  assert np.all(np.isfinite(got))
  np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-4 * np.abs(want).max())


# Token grids (T', H', W') = (4, 4, 4), a cube, and (6, 4, 8), every axis its own size; patch
# (1, 2, 2). The keep sets of one grid share one size K (16 and 48), so each grid compiles one
# keep_indices program.
CUBE, BOX = (4, 8, 8, 4), (6, 8, 16, 4)


@pytest.mark.parametrize("latent_shape,group,members", [
    (CUBE, (2, 2, 2), [(0, 1, 0), (1, 0, 1)]),            # 2 of a 2x2x2 tile (75% drop), diagonal
    (CUBE, (1, 2, 2), [(0, 1, 1)]),                       # 1 of a spatial 2x2 tile, bottom right
    (BOX, (3, 2, 2), [(0, 1, 0), (2, 0, 1), (1, 1, 1)]),   # 3 of a non-square 3x2x2 tile
    (BOX, (2, 1, 2), [(1, 0, 1)]),                        # 1 of a non-square 2x1x2 tile
])
def test_structured_keeps_match_the_kept_token_reference(latent_shape, group, members):
  """Hand-built keep sets (one per example, never the first K positions) against the reference
  that runs the middle stack on the kept tokens alone. (A keep set that is one whole frame would
  not do: RoPE scores depend only on coordinate differences, so it cannot tell that frame from
  frame 0.)"""
  net = net_for(latent_shape)
  keep = group_keeps(net.grid, group, members)
  check_keeps(keep, net.grid, group, len(members))
  assert keep[0] != 0
  # The second example keeps the tile-mirrored set: the two examples of the batch differ.
  mirrored = group_keeps(net.grid, group, [tuple(g - 1 - d for g, d in zip(group, m)) for m in members])
  keep = np.stack([keep, mirrored])
  _assert_close(net.with_keep(keep), net.reference(keep=keep))


@pytest.mark.parametrize("latent_shape,group,per_group", [(CUBE, (2, 2, 2), 2), (CUBE, (1, 2, 2), 1),
                                                          (BOX, (1, 2, 2), 1), (BOX, (2, 2, 4), 4)])
def test_random_sprint_keeps_match_the_reference(latent_shape, group, per_group):
  """SPRINT's random group-wise keeps (sample_keep_indices), a different one per example; the
  reference is handed the keep set, checked to hold `per_group` of every tile."""
  net = net_for(latent_shape)
  keep = np.asarray(sample_keep_indices(jax.random.PRNGKey(per_group), 2, net.grid, group, per_group))
  for row in keep:
    check_keeps(row, net.grid, group, per_group)
  assert not np.array_equal(keep[0], keep[1])
  _assert_close(net.with_keep(keep), net.reference(keep=keep))


def test_drop_ratio_and_rng_drop_the_configured_groups():
  """What training calls (drop_ratio + rng): the model keeps k = (1 - ratio) |tile| tokens of each
  model.token_drop_group tile, chosen by `rng`, and computes the reference on them. A non-square
  3x2x2 tile, 75% drop: 3 of every 12."""
  net = net_for(BOX)
  rng, group = jax.random.PRNGKey(7), (3, 2, 2)
  keep = np.asarray(sample_keep_indices(rng, 2, net.grid, group, 3))
  for row in keep:
    check_keeps(row, net.grid, group, 3)
  _assert_close(net.with_drop_ratio(group, 0.75, rng), net.reference(keep=keep))


def test_unstructured_random_keeps_match_the_reference():
  """Any sorted subset is a valid keep for the middle stack: random, different per example."""
  net = net_for(BOX)
  rng = np.random.default_rng(3)
  keep = np.stack([np.sort(rng.choice(6 * 4 * 8, 48, replace=False)) for _ in range(2)]).astype(np.int32)
  _assert_close(net.with_keep(keep), net.reference(keep=keep))


def test_dense_and_weak_paths_match_the_reference():
  net = net_for(BOX)
  _assert_close(net.dense(), net.reference())
  _assert_close(net.dense(weak=True), net.reference(weak=True))


def test_reference_distinguishes_keep_sets():
  """The comparison has power: the output at a structured keep differs clearly from the output
  at the first K positions (what a gather that ignored the indices would compute)."""
  net = net_for(CUBE)
  keep = np.stack([group_keeps(net.grid, (2, 2, 2), [(0, 1, 0), (1, 0, 1)])] * 2)
  want = net.reference(keep=keep)
  first = net.reference(keep=np.stack([np.arange(keep.shape[1])] * 2))
  assert np.abs(want - first).max() > 1e-2 * np.abs(want).max()


# ---- [MASK] fill and fusion by hand. -------------------------------------------------------------
def test_mask_fill_and_fusion_by_hand_with_identity_blocks():
  """Every block at its adaLN-Zero start (zero modulation: the identity) and the head's
  modulation zero make F an explicit formula of the non-block parameters (docs/method.md §5):
    h = patch_embed(tokens); restored = h at kept positions, [MASK] at dropped ones (all [MASK] on
    the weak path); F = head(LN(fuse(concat([restored, h])))).
  Tiny shapes: 2 x 2 x 2 tokens of 16 features, width 8."""
  model = tiny_model(hidden=8, mlp_hidden=8, num_heads=2, window_frames=1)
  x, t, s, w = model_inputs(shape=(2, 4, 4, 4), seed=4)
  y = jnp.array([1, 10])
  params = random_params(model, x, t, s, w, y, seed=5, scale=1.0)
  zeroed = lambda path, a: (jnp.zeros_like(a) if any(getattr(k, "key", None) in ("adaln", "head_adaln")
                                                      for k in path) else a)
  params = jax.tree_util.tree_map_with_path(zeroed, params)      # every modulation: adaLN-Zero's start

  xn = np.asarray(x, np.float64)
  tokens = np.zeros((2, 8, 16))
  for b in range(2):
    for i, (tt, hh, ww) in enumerate(np.ndindex(2, 2, 2)):       # raster order, patch (1, 2, 2)
      tokens[b, i] = xn[b, tt, 2 * hh:2 * hh + 2, 2 * ww:2 * ww + 2].reshape(-1)
  P = lambda name: (np.asarray(params[name]["kernel"], np.float64), np.asarray(params[name]["bias"], np.float64))
  (We, be), (Wf, bf), (Wh, bh) = P("patch_embed"), P("fuse"), P("head")
  mask = np.asarray(params["mask_token"], np.float64)

  def by_hand(restored, h):
    fused = np.zeros((2, 8, 8))
    for b in range(2):
      for i in range(8):
        z = np.concatenate([restored[b, i], h[b, i]])          # [restored | dense], 16 features
        fused[b, i] = sum(z[j] * Wf[j] for j in range(16)) + bf
    normed = (fused - fused.mean(-1, keepdims=True)) / np.sqrt(fused.var(-1, keepdims=True) + 1e-6)
    out = normed @ Wh + bh                                       # (2, 8, 16)
    video = np.zeros((2, 2, 4, 4, 4))
    for b in range(2):
      for i, (tt, hh, ww) in enumerate(np.ndindex(2, 2, 2)):
        video[b, tt, 2 * hh:2 * hh + 2, 2 * ww:2 * ww + 2] = out[b, i].reshape(2, 2, 4)
    return video

  h = tokens @ We + be
  keep = np.array([[1, 2, 4, 7], [0, 3, 5, 6]], np.int32)       # a different half per example
  restored, zero_fill = np.empty_like(h), np.empty_like(h)
  for b in range(2):
    for i in range(8):
      restored[b, i] = h[b, i] if i in keep[b] else mask
      zero_fill[b, i] = h[b, i] if i in keep[b] else 0.0
  apply = lambda **kw: np.asarray(jax.jit(lambda p: model.apply({"params": p}, x, t, s, w, y, **kw))(params),
                                 np.float64)
  want = by_hand(restored, h)
  np.testing.assert_allclose(apply(keep_indices=jnp.asarray(keep)), want, rtol=1e-4, atol=1e-4)
  np.testing.assert_allclose(apply(weak=True), by_hand(np.broadcast_to(mask, h.shape), h), rtol=1e-4, atol=1e-4)
  # Power: a zero fill, or the halves of the concatenation swapped, give other numbers.
  assert np.abs(by_hand(zero_fill, h) - want).max() > 1e-2
  assert np.abs(by_hand(h, restored) - want).max() > 1e-2
