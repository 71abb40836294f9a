"""Scanned blocks, rematerialisation and bf16 compute against the plain unrolled float32 model.

The unrolled model (`scan_blocks=False`, one Python call per block) is the reference: the scanned
model must compute the same function of the same parameters (moved with `unrolled_to_scanned`), and
remat / bf16 must change memory and precision only.
"""
import functools
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax import schema
from eflow_jax.models.scan_layout import (block_layout, scanned_to_unrolled, stacked_axes,
                                          unrolled_to_scanned)
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.tools.param_count import abstract_params, count_params
from conftest import model_inputs, randomize, tiny_model
from test_configs import closed_form_param_count

TEXT_DIM = 12
# (encoder, middle, decoder, softmax_every): K dividing the sections, not dividing them, never, always.
DEPTHS = {
    "tiny": (1, 2, 1, 3),
    "k_divides": (2, 4, 2, 2),
    "k_not_dividing": (1, 7, 2, 3),
    "no_softmax": (1, 2, 1, 0),
    "all_softmax": (1, 2, 1, 1),
}


def make_pair(depth="k_not_dividing", **overrides):
  """(unrolled, scanned) tiny models of the same architecture."""
  e, m, d, k = DEPTHS[depth]
  fields = dict(encoder_blocks=e, middle_blocks=m, decoder_blocks=d, softmax_every=k,
                token_drop_group=(1, 2, 2))
  fields.update(overrides)
  return tiny_model(scan_blocks=False, **fields), tiny_model(scan_blocks=True, **fields)


def init_params(model, x, t, s, w, scale=0.2, **cond):
  """Random (non-identity) parameters; init is jitted, which is much faster than eager on CPU."""
  init = jax.jit(lambda key: model.init(key, x, t, s, w, **cond)["params"])
  return randomize(init(jax.random.PRNGKey(0)), 1, scale)


def conditioning(model):
  if model.text_dim:
    text = jax.random.normal(jax.random.PRNGKey(7), (2, 3, TEXT_DIM))
    return dict(text=text, text_mask=jnp.array([[1, 1, 0], [1, 1, 1]], jnp.int32))
  return dict(y=jnp.array([3, 10]))


def loss_and_grad(model, params, inputs, cond, **call):
  """sum(F^2) and its gradient w.r.t. the parameters, jitted (one program per model)."""
  def loss(p):
    out = model.apply({"params": p}, *inputs, **cond, **call)
    return jnp.sum(out ** 2), out
  (_, out), grads = jax.jit(jax.value_and_grad(loss, has_aux=True))(params)
  return out, grads


def assert_trees_close(actual, expected, rtol=1e-5):
  """Leafwise closeness, with the absolute tolerance scaled to each leaf's magnitude."""
  assert jax.tree.structure(actual) == jax.tree.structure(expected)
  for a, e in zip(jax.tree.leaves(actual), jax.tree.leaves(expected)):
    np.testing.assert_allclose(a, e, rtol=rtol, atol=rtol * max(1.0, float(np.max(np.abs(e)))))


TEXT = dict(num_classes=0, text_dim=TEXT_DIM)
CASES = [
    ("tiny", {}, {}),
    ("k_divides", {}, {}),
    ("k_not_dividing", {}, dict(keep="explicit")),
    ("k_not_dividing", TEXT, dict(keep="explicit")),
    ("k_not_dividing", {}, dict(weak=True)),
    ("no_softmax", TEXT, {}),
    ("all_softmax", {}, {}),
    ("k_divides", dict(attention="sana"), dict(keep="explicit")),
    ("k_divides", dict(adaln="shared"), {}),
]


@pytest.mark.parametrize("depth,overrides,call", CASES)
def test_scanned_model_equals_unrolled_values_and_gradients(depth, overrides, call):
  unrolled, scanned = make_pair(depth, **overrides)
  inputs = model_inputs()
  cond = conditioning(unrolled)
  call = dict(call)
  if call.pop("keep", None):
    # 3 of the 4 tokens of every 1x2x2 group dropped, a different pattern per example.
    call["keep_indices"] = jnp.array([np.arange(0, 64, 4), np.arange(1, 64, 4)], jnp.int32)
  params = init_params(unrolled, *inputs, **cond)
  scanned_params = unrolled_to_scanned(params, scanned)

  # The converted tree is exactly what the scanned model initialises.
  init = jax.eval_shape(lambda: scanned.init(jax.random.PRNGKey(0), *inputs, **cond)["params"])
  assert jax.tree.structure(init) == jax.tree.structure(scanned_params)
  for a, b in zip(jax.tree.leaves(init), jax.tree.leaves(scanned_params)):
    assert a.shape == b.shape

  out_u, grads_u = loss_and_grad(unrolled, params, inputs, cond, **call)
  out_s, grads_s = loss_and_grad(scanned, scanned_params, inputs, cond, **call)
  assert np.all(np.isfinite(out_u)) and np.max(np.abs(out_u)) > 0.1
  assert_trees_close(out_s, out_u)
  # Sana's ReLU-feature ratio is ill-conditioned: its q/k-norm gradients move by ~3e-5 (relative
  # to the leaf's largest entry) between jitted and eager runs of the SAME unrolled model.
  grad_rtol = 1e-4 if overrides.get("attention") == "sana" else 1e-5
  assert_trees_close(scanned_to_unrolled(grads_s, scanned), grads_u, rtol=grad_rtol)


def test_layouts_convert_both_ways_and_segments_follow_the_softmax_pattern():
  unrolled, scanned = make_pair("k_not_dividing")          # blocks 0 | 1-7 | 8-9, K = 3
  assert block_layout(scanned) == {
      "encoder_run_scan": [0],
      "middle_prefix_scan": [1],
      "middle_softmax": 2,
      "middle_periods_scan": {"blocks_scan": [[3, 4]], "softmax": [5]},
      "middle_suffix_scan": [6, 7],
      "decoder_softmax": 8,
      "decoder_suffix_scan": [9],
  }
  _, deep = make_pair("k_not_dividing", middle_blocks=13)   # middle 1-13: three periods
  assert block_layout(deep)["middle_periods_scan"] == {"blocks_scan": [[3, 4], [6, 7], [9, 10]],
                                                       "softmax": [5, 8, 11]}
  assert block_layout(deep)["middle_suffix_scan"] == [12, 13]
  layout = block_layout(scanned)
  flat = sorted(int(i) for i in np.concatenate([np.ravel(jax.tree.leaves(v)) for v in layout.values()]))
  assert flat == list(range(10))                            # every block exactly once
  softmax = [layout["middle_softmax"], *layout["middle_periods_scan"]["softmax"], layout["decoder_softmax"]]
  assert softmax == [i for i in range(10) if scanned.block_attention(i) == "softmax"]
  inputs = model_inputs()
  params = init_params(unrolled, *inputs, y=jnp.array([1, 2]))
  there = unrolled_to_scanned(params, scanned)
  np.testing.assert_array_equal(there["middle_periods_scan"]["blocks_scan"]["ffn"]["fc1"]["kernel"][0, 1],
                                params["middle_3"]["ffn"]["fc1"]["kernel"])        # block 4
  back = scanned_to_unrolled(there, scanned)
  assert jax.tree.structure(back) == jax.tree.structure(params)
  for a, b in zip(jax.tree.leaves(back), jax.tree.leaves(params)):
    np.testing.assert_array_equal(a, b)


def test_stacked_axes_counts_the_leading_layer_axes_of_every_leaf():
  unrolled, scanned = make_pair("k_not_dividing")
  block_shapes = {}
  for path, leaf in jax.tree_util.tree_leaves_with_path(abstract_params(unrolled)):
    assert stacked_axes(path) == 0
    if path[0].key == "middle_0":
      block_shapes[tuple(p.key for p in path[1:])] = leaf.shape
  seen = set()
  for path, leaf in jax.tree_util.tree_leaves_with_path(abstract_params(scanned)):
    top = path[0].key
    n = stacked_axes(path)
    assert n == stacked_axes("/".join(p.key for p in path))
    if not top.startswith(("encoder", "middle", "decoder")):
      assert n == 0
      continue
    if top.startswith("middle"):
      inner = tuple(p.key for p in path[1 + (top == "middle_periods_scan"):])
      if inner in block_shapes and "self_attn" not in inner:   # attention params differ by kind
        assert leaf.shape[n:] == block_shapes[inner], path
    seen.add((top, n))
  assert {("middle_prefix_scan", 1), ("middle_softmax", 0), ("middle_suffix_scan", 1),
          ("middle_periods_scan", 1), ("middle_periods_scan", 2)} <= seen
  periods = abstract_params(scanned)["middle_periods_scan"]
  assert periods["blocks_scan"]["ffn"]["fc1"]["kernel"].shape[:2] == (1, 2)
  assert periods["softmax"]["ffn"]["fc1"]["kernel"].shape[:1] == (1,)


@pytest.mark.parametrize("overrides", [
    dict(), dict(num_classes=0, text_dim=TEXT_DIM), dict(adaln="shared"), dict(attention="sana")])
def test_parameter_count_is_layout_independent_and_matches_closed_form(overrides):
  for depth in ("k_divides", "k_not_dividing", "all_softmax"):
    unrolled, scanned = make_pair(depth, **overrides)
    n = count_params(abstract_params(scanned))
    assert n == count_params(abstract_params(unrolled))
    if overrides.get("attention") != "sana":                  # the formula does not cover Mix-FFN
      assert n == closed_form_param_count(scanned)


def test_paper_size_config_counts_agree_scanned_and_unrolled():
  config = schema.model_config("XL", num_classes=700)
  assert config.scan_blocks is True and config.remat == "none"
  scanned = VideoDiT.from_config(config)
  config.scan_blocks = False
  n = count_params(abstract_params(scanned))
  assert n == count_params(abstract_params(VideoDiT.from_config(config))) == closed_form_param_count(scanned)


REMAT_KEEP = jnp.array([np.arange(0, 64, 4), np.arange(2, 64, 4)], jnp.int32)


@functools.lru_cache(maxsize=None)
def remat_reference(scan: bool):
  """The model without remat, its parameters and (output, gradients) on a token-dropped pass."""
  base = make_pair("k_divides")[int(scan)]
  inputs = model_inputs()
  params = init_params(base, *inputs, **conditioning(base))
  return base, params, loss_and_grad(base, params, inputs, conditioning(base), keep_indices=REMAT_KEEP)


@pytest.mark.parametrize("remat", ["full", "dots", "dots_no_batch"])
@pytest.mark.parametrize("scan", [True, False])
def test_remat_changes_neither_values_nor_gradients(remat, scan):
  base, params, (out, grads) = remat_reference(scan)
  remat_model = base.clone(remat=remat)
  inputs, cond = model_inputs(), conditioning(base)
  forward = lambda m: str(jax.make_jaxpr(lambda p: m.apply({"params": p}, *inputs, **cond))(params))
  # One remat (jax.checkpoint) per traced block body: 8 unrolled blocks, or the 8 segment bodies
  # of the scan layout (encoder prefix + softmax; middle prefix + softmax + the period's inner run
  # + the period's softmax; decoder prefix + softmax).
  assert len(re.findall(r"\bremat2?\[", forward(base))) == 0
  assert len(re.findall(r"\bremat2?\[", forward(remat_model))) == 8
  out_r, grads_r = loss_and_grad(remat_model, params, inputs, cond, keep_indices=REMAT_KEEP)
  assert_trees_close(out_r, out, rtol=1e-6)
  assert_trees_close(grads_r, grads, rtol=1e-5)


@pytest.mark.parametrize("depth,overrides", [("k_divides", {}), ("tiny", dict(adaln="shared", **TEXT))])
def test_bf16_computes_in_bf16_with_float32_weights_output_and_gradients(depth, overrides):
  _, f32 = make_pair(depth, **overrides)
  bf16 = f32.clone(dtype="bfloat16")
  inputs = model_inputs()
  cond = conditioning(f32)
  params = init_params(f32, *inputs, scale=0.1, **cond)     # O(1) activations, as in training
  fresh = jax.eval_shape(lambda: bf16.init(jax.random.PRNGKey(0), *inputs, **cond)["params"])
  assert {leaf.dtype for leaf in jax.tree.leaves(fresh)} == {jnp.dtype(jnp.float32)}
  jaxpr = str(jax.make_jaxpr(lambda p: bf16.apply({"params": p}, *inputs, **cond))(params))
  assert "bf16[" in jaxpr and "dot_general" in jaxpr
  out, grads = loss_and_grad(bf16, params, inputs, cond)
  ref = jax.jit(lambda p: f32.apply({"params": p}, *inputs, **cond))(params)
  # The forward-only program (sampling) compiles and agrees too (XLA:CPU has no bf16 x bf16 -> f32
  # dot; the linear branch upcasts its reduction instead).
  forward = jax.jit(lambda p: bf16.apply({"params": p}, *inputs, **cond))(params)
  assert float(jnp.linalg.norm(forward - ref) / jnp.linalg.norm(ref)) < 3e-2
  assert out.dtype == jnp.float32 and out.shape == ref.shape
  rel = float(jnp.linalg.norm(out - ref) / jnp.linalg.norm(ref))
  assert 0 < rel < 3e-2, rel
  assert {leaf.dtype for leaf in jax.tree.leaves(grads)} == {jnp.dtype(jnp.float32)}
  assert all(np.all(np.isfinite(g)) for g in jax.tree.leaves(grads))


def hlo_size(model, blocks: int) -> int:
  """Characters of the lowered train-like program (value and gradient) of a `blocks`-deep model."""
  model = model.clone(encoder_blocks=3, middle_blocks=blocks - 6, decoder_blocks=3, softmax_every=8)
  inputs = model_inputs(batch=1, shape=(2, 4, 4, 4))
  y = jnp.array([1])
  params = jax.eval_shape(lambda: model.init(jax.random.PRNGKey(0), *inputs, y)["params"])
  loss = lambda p: jnp.sum(model.apply({"params": p}, *inputs, y) ** 2)
  return len(jax.jit(jax.grad(loss)).lower(params).as_text())


@pytest.mark.slow
def test_program_size_does_not_grow_with_depth_under_scan():
  """XL's 3/22/3 layout against 3/54/3: the same segments, only longer scans."""
  scanned = tiny_model(hidden=16, mlp_hidden=32, scan_blocks=True)
  small, large = hlo_size(scanned, 28), hlo_size(scanned, 60)
  assert large < 1.05 * small, (small, large)
  unrolled = scanned.clone(scan_blocks=False)                # the check can fail: unrolled grows
  assert hlo_size(unrolled, 60) > 1.5 * hlo_size(unrolled, 28)


def test_weak_path_gives_zero_gradient_to_every_middle_parameter_under_scan():
  _, model = make_pair("k_not_dividing")
  inputs = model_inputs()
  params = init_params(model, *inputs, y=jnp.array([3, 10]))
  middle_keys = [k for k in params if k.startswith("middle")]
  assert sorted(middle_keys) == ["middle_periods_scan", "middle_prefix_scan", "middle_softmax",
                                 "middle_suffix_scan"]
  _, weak = loss_and_grad(model, params, inputs, dict(y=jnp.array([3, 10])), weak=True)
  _, dense = loss_and_grad(model, params, inputs, dict(y=jnp.array([3, 10])))
  for key in middle_keys:
    assert not any(np.any(g) for g in jax.tree.leaves(weak[key])), key
    ffn = [g for path, g in jax.tree_util.tree_leaves_with_path(dense[key]) if "'ffn'" in str(path)]
    assert ffn and all(np.any(g) for g in ffn), key            # every middle block is trained densely
  for key in ("encoder_run_scan", "decoder_softmax", "decoder_suffix_scan", "fuse", "mask_token"):
    assert any(np.any(g) for g in jax.tree.leaves(weak[key])), key


@pytest.mark.parametrize("field,value,match", [
    ("remat", "foo", "model.remat='foo' is unknown; use one of none, full, dots, dots_no_batch"),
    ("dtype", "float16", "model.dtype='float16' is unknown"),
    ("scan_blocks", "yes", "model.scan_blocks='yes' is unknown"),
])
def test_bad_switches_are_one_line_errors(field, value, match):
  model = tiny_model(**{field: value})
  x, t, s, w = model_inputs()
  with pytest.raises(ValueError, match=match):
    jax.eval_shape(lambda: model.init(jax.random.PRNGKey(0), x, t, s, w, jnp.array([1, 2])))
  if field == "dtype":
    config = schema.model_config("tiny", num_classes=10)
    config.dtype = value
    with pytest.raises(ValueError, match=match):
      VideoDiT.from_config(config)
