"""`:runlocal`: a paper recipe with the same code paths and fields, sized for a 2-core CPU.

A 4-block, 64-wide model on Moving MNIST clips (8 x 32 x 32 pixels, 1 channel, identity
autoencoder) with 1x4x4 patches (512 tokens); the curriculum keeps its stages, rescaled to
`total_steps`, and reads the embedded data instead of prepared shards. A pure function of the
recipe's mappings (the arguments of schema/run.run_config), so the config still writes each field once.
"""
from collections.abc import Mapping

from eflow_jax.schema.data import data_config


def cpu_sized(recipe: Mapping, total_steps: int = 300) -> dict:
  """The recipe (run_config's keyword arguments) with the CPU shrink applied."""
  model, data = dict(recipe["model"]), dict(recipe.get("data", {}))
  text = bool(model.get("text_dim", 0))
  model.update(latent_channels=1, patch=(1, 4, 4), window_block=64)
  model.update(text_dim=32) if text else model.update(num_classes=10)
  still = data.get("still_video_ratio", data_config().still_video_ratio)
  data.update(source="moving_mnist", path="", batch_size=16, frames=8, size=32, channels=1,
              still_video_ratio=min(still, 0.1))
  if text:
    data.update(text_dim=32, text_length=8)
  old_total = recipe["total_steps"]
  stages = []
  for stage in recipe["stages"]:
    stage = dict(stage, data_path="", batch_size=0)
    if stage.get("steps", 0) > 0:
      stage.update(fraction=stage["steps"] / old_total, steps=0)
    stages.append(stage)
  checkpoint = dict(recipe.get("checkpoint", {}), every_steps=100)
  return dict(recipe, model_size="tiny", model=model, data=data, video=(8, 32, 32, 1), stages=stages,
              total_steps=total_steps, ema_decay=0.99, checkpoint=checkpoint, log_every=10,
              sample_every=0, num_samples=10, sample_columns=5)
