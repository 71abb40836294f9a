"""VideoDiT: patchify, SPRINT paths (dense / dropped / weak), conditioning, and input errors."""
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.models.blocks import DepthwiseConv
from eflow_jax.models.video_dit import VideoDiT, patchify, unpatchify
from conftest import init_params, model_inputs, randomize, tiny_model


def test_patchify_matches_explicit_loop_and_inverts():
  x = np.random.default_rng(0).normal(size=(2, 4, 6, 8, 3)).astype(np.float32)
  tokens, grid = patchify(jnp.asarray(x), (2, 3, 2))
  assert grid == (2, 2, 4)
  for (t, h, w) in [(0, 0, 0), (1, 1, 3), (1, 0, 2)]:
    raster = (t * 2 + h) * 4 + w
    patch = x[:, 2 * t:2 * t + 2, 3 * h:3 * h + 3, 2 * w:2 * w + 2, :].reshape(2, -1)
    np.testing.assert_array_equal(tokens[:, raster], patch)
  np.testing.assert_array_equal(unpatchify(tokens, grid, (2, 3, 2), 3), x)


@pytest.fixture(scope="module")
def class_setup():
  model = tiny_model()
  x, t, s, w = model_inputs()
  y = jnp.array([3, 10])
  return model, init_params(model, x, t, s, w, y=y), (x, t, s, w, y)


def test_weak_path_gives_zero_gradient_to_every_middle_parameter(class_setup):
  _, _, (x, t, s, w, y) = class_setup
  model = tiny_model(scan_blocks=False)          # one parameter entry per block (scanned: test_scan_remat_bf16)
  params = init_params(model, x, t, s, w, y=y)
  loss = lambda p, weak: jnp.sum(model.apply({"params": p}, x, t, s, w, y, weak=weak) ** 2)
  grads = jax.grad(loss)(params, True)
  middle = {k: v for k, v in grads.items() if k.startswith("middle_")}
  assert len(middle) == model.middle_blocks
  for leaf in jax.tree.leaves(middle):
    assert not np.any(leaf)
  for name in ("encoder_0", "decoder_0", "fuse", "mask_token", "patch_embed", "head"):
    assert any(np.any(g) for g in jax.tree.leaves(grads[name])), name
  dense_grads = jax.grad(loss)(params, False)
  assert any(np.any(g) for g in jax.tree.leaves({k: v for k, v in dense_grads.items() if k.startswith("middle_")}))


def test_weak_path_equals_all_tokens_replaced_by_mask(class_setup):
  """Weak path == restored sequence of [MASK] only: independent of the middle stack's weights."""
  model, params, (x, t, s, w, y) = class_setup
  weak = model.apply({"params": params}, x, t, s, w, y, weak=True)
  scrambled = dict(params)
  for k in params:
    if k.startswith("middle_"):
      scrambled[k] = jax.tree.map(lambda a: a + 1.0, params[k])
  np.testing.assert_array_equal(weak, model.apply({"params": scrambled}, x, t, s, w, y, weak=True))
  assert not np.allclose(weak, model.apply({"params": params}, x, t, s, w, y))


def test_drop_ratio_zero_is_the_plain_dense_model(class_setup):
  """Keeping every token through the gather/scatter machinery changes nothing."""
  model, params, (x, t, s, w, y) = class_setup
  dense = model.apply({"params": params}, x, t, s, w, y, drop_ratio=0.0)
  n = 4 * 4 * 4
  all_kept = jnp.broadcast_to(jnp.arange(n, dtype=jnp.int32), (2, n))
  through_machinery = model.apply({"params": params}, x, t, s, w, y, keep_indices=all_kept)
  np.testing.assert_allclose(dense, through_machinery, rtol=1e-5, atol=1e-5)


def test_token_drop_changes_output_with_rng_and_is_deterministic(class_setup):
  model, params, (x, t, s, w, y) = class_setup
  apply = jax.jit(lambda key: model.apply({"params": params}, x, t, s, w, y, drop_ratio=0.75, rng=key))
  a, b = apply(jax.random.PRNGKey(0)), apply(jax.random.PRNGKey(1))
  assert np.all(np.isfinite(a)) and not np.allclose(a, b)
  np.testing.assert_array_equal(a, apply(jax.random.PRNGKey(0)))


def test_conditioning_inputs_all_matter(class_setup):
  model, params, (x, t, s, w, y) = class_setup
  base = model.apply({"params": params}, x, t, s, w, y)
  for changed in [(x, t + 0.1, s, w, y), (x, t, s + 0.1, w, y), (x, t, s, w + 1.0, y), (x, t, s, w, y.at[0].set(10))]:
    assert not np.allclose(base, model.apply({"params": params}, *changed), atol=1e-6)
  null = model.null_condition(2)["y"]
  assert np.all(np.asarray(null) == model.num_classes)


def test_text_mode_ignores_masked_padding_tokens():
  model = tiny_model(num_classes=0, text_dim=12)
  x, t, s, w = model_inputs()
  text = jax.random.normal(jax.random.PRNGKey(5), (2, 3, 12))
  mask = jnp.ones((2, 3), jnp.int32)
  params = init_params(model, x, t, s, w, text=text, text_mask=mask)
  short = model.apply({"params": params}, x, t, s, w, text=text, text_mask=mask)
  padded_text = jnp.concatenate([text, 50 * jax.random.normal(jax.random.PRNGKey(6), (2, 4, 12))], 1)
  padded_mask = jnp.concatenate([mask, jnp.zeros((2, 4), jnp.int32)], 1)
  padded = model.apply({"params": params}, x, t, s, w, text=padded_text, text_mask=padded_mask)
  np.testing.assert_allclose(short, padded, rtol=1e-5, atol=1e-5)
  other = model.apply({"params": params}, x, t, s, w, text=text[::-1], text_mask=mask)
  assert not np.allclose(short, other)
  null = model.null_condition(2, text_length=3)
  assert np.all(np.isfinite(model.apply({"params": params}, x, t, s, w, **null, drop_ratio=0.75,
                                        rng=jax.random.PRNGKey(0))))


@pytest.mark.parametrize("attention", ["softmax", "linear", "window", "glga_sum", "sana"])
def test_every_registered_attention_runs_dense_dropped_and_weak(attention):
  model = tiny_model(attention=attention, token_drop_group=(1, 2, 2))
  x, t, s, w = model_inputs()
  y = jnp.array([1, 2])
  params = init_params(model, x, t, s, w, y=y)
  dense = model.apply({"params": params}, x, t, s, w, y)
  dropped = model.apply({"params": params}, x, t, s, w, y, drop_ratio=0.75, rng=jax.random.PRNGKey(0))
  weak = model.apply({"params": params}, x, t, s, w, y, weak=True)
  for out in (dense, dropped, weak):
    assert out.shape == x.shape and np.all(np.isfinite(out))
  assert not np.allclose(dense, dropped) and not np.allclose(dense, weak)


def test_softmax_every_k_places_softmax_blocks():
  model = VideoDiT(encoder_blocks=2, middle_blocks=10, decoder_blocks=2, softmax_every=6)
  assert [i for i in range(14) if model.block_attention(i) == "softmax"] == [5, 11]
  assert all(VideoDiT(softmax_every=0).block_attention(i) == "glga" for i in range(14))


@pytest.mark.parametrize("kwargs,shape,match", [
    (dict(), (2, 4, 8, 8, 3), "channels"),
    (dict(), (2, 4, 7, 8, 4), "multiple of model.patch"),
    (dict(attention="flash"), (2, 4, 8, 8, 4), "unknown model.attention"),
    (dict(adaln="film"), (2, 4, 8, 8, 4), "model.adaln"),
])
def test_bad_inputs_fail_before_compiling_with_one_line(kwargs, shape, match):
  model = tiny_model(**kwargs)
  x = jnp.zeros(shape)
  t = jnp.ones((2,))
  with pytest.raises(ValueError, match=match):
    jax.eval_shape(lambda: model.init(jax.random.PRNGKey(0), x, t, t, t, jnp.zeros((2,), jnp.int32)))


def test_dropping_without_rng_is_a_clear_error(class_setup):
  model, params, (x, t, s, w, y) = class_setup
  with pytest.raises(ValueError, match="rng"):
    model.apply({"params": params}, x, t, s, w, y, drop_ratio=0.75)


@pytest.mark.parametrize("kernel_size", [(1, 3, 3), (3, 1, 1), (3, 3, 5)])
def test_depthwise_conv_is_nn_conv_grouped(kernel_size):
  """Mix-FFN's shifted-sum depthwise conv: nn.Conv's parameters (names, shapes, init) and its
  values and gradients, against XLA's grouped convolution (feature_group_count = channels)."""
  C = 6
  x = jax.random.normal(jax.random.PRNGKey(0), (2, 4, 5, 6, C))
  ours = DepthwiseConv(kernel_size)
  conv = nn.Conv(C, kernel_size, padding="SAME", feature_group_count=C)
  params = ours.init(jax.random.PRNGKey(1), x)
  reference_params = conv.init(jax.random.PRNGKey(1), x)
  assert jax.tree.map(jnp.shape, params) == jax.tree.map(jnp.shape, reference_params)
  np.testing.assert_array_equal(params["params"]["kernel"], reference_params["params"]["kernel"])
  params = randomize(params, seed=2, scale=1.0)
  loss = lambda module: lambda p, x: jnp.sum(jnp.sin(module.apply(p, x)))
  np.testing.assert_allclose(ours.apply(params, x), conv.apply(params, x), atol=1e-5, rtol=1e-5)
  for got, want in zip(jax.grad(loss(ours), argnums=(0, 1))(params, x),
                       jax.grad(loss(conv), argnums=(0, 1))(params, x)):
    jax.tree.map(lambda g, w: np.testing.assert_allclose(g, w, atol=1e-4, rtol=1e-4), got, want)
