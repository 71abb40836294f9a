"""A thirteenth round of misuse (docs/misuse/round13.json lists every case tried): results re-derived
from the files written. Fixed here: the model card's example asked a 2-class model for class ids
[0, 1, 2] (the third clip the unconditional one, without a word) and a one_step model for 4 steps
(refused); its scores did not say which sampler, steps and guidance produced them, so an eval run
with another sampler read as the recipe's. The other open cases are listed in the record."""
import json
import types

from test_pipeline_misuse import tiny_config

from eflow_jax.tools import export as export_tool


def card_of(tmp_path, **model):
  config = tiny_config()
  config.unlock()
  for key, value in model.items():
    section, field = key.split("__")
    config[section][field] = value
  pipe = types.SimpleNamespace(config=config, params={}, step=4, example_shape=(4, 16, 16, 1), manifest=None)
  return export_tool.model_card(pipe, str(tmp_path))


def example_line(card: str) -> str:
  return next(line for line in card.splitlines() if line.startswith("videos = pipe("))


def test_the_card_example_asks_a_two_class_model_only_for_its_own_classes(tmp_path):
  line = example_line(card_of(tmp_path, model__num_classes=2))
  assert line.startswith("videos = pipe(class_ids=[0, 1], steps=4)"), line
  assert "class ids 0-1, 2 = unconditional" in line


def test_the_card_example_of_a_one_step_model_asks_for_one_step(tmp_path):
  line = example_line(card_of(tmp_path, flow__sampler="one_step"))
  assert "steps=1)" in line, line


def test_the_card_names_how_each_reports_clips_were_sampled(tmp_path):
  """An eval with the chain sampler, 1 step, guidance 2.5 beside a recipe of alg2, 4 steps, w_inf 4."""
  report = {"step": 4, "weights": "ema", "classifier_fd": 0.3759,
            "protocol": {"sampler": "chain", "sampler_steps": 1, "nfe": 1, "guidance": 2.5, "num_samples": 20}}
  (tmp_path / "eval_step000004.json").write_text(json.dumps(report))
  (tmp_path / "score_step000004.json").write_text(json.dumps({"step": 4, "sharpness": 6.3}))
  card = card_of(tmp_path)
  assert "- `eval_step000004.json` (sampler chain, 1 steps, guidance 2.5, 20 samples): step 4, classifier_fd 0.3759" in card
  assert "- `score_step000004.json` (sampler, steps and guidance not recorded): step 4, sharpness 6.3" in card
