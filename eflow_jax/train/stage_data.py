"""The training data of each curriculum stage, and its position for checkpoints.

Stages that read the same source (path and batch size) share one iterator, so its position is a
function of (seed, step); a stage with a new source (T2V 256p -> 480p, train/curriculum.py) starts
its own iterator fresh. A checkpoint stores the position of the source the saved step read.
"""
import jax

from eflow_jax.data import pipeline


def data_config_for(config, stage):
  """config.data with the stage's data_path / batch_size (curriculum.py) where it sets them."""
  data_cfg = config.data.copy_and_resolve_references()
  if stage.data_path:
    data_cfg.path = stage.data_path
  if stage.batch_size:
    data_cfg.batch_size = stage.batch_size
  return data_cfg


def source(stage) -> str:
  return f"{stage.data_path}|{stage.batch_size}"


class StageData:
  """One lazily opened iterator per data source; `position` / `restore` round-trip a checkpoint's."""

  def __init__(self, config, model_kind: str):
    self._config, self._model_kind = config, model_kind
    self._iterators = {}

  def iterator(self, stage):
    if source(stage) not in self._iterators:
      self._iterators[source(stage)] = pipeline.make_train_iterator(
          data_config_for(self._config, stage), model_kind=self._model_kind, seed=self._config.seed,
          process_index=jax.process_index(), process_count=jax.process_count())
    return self._iterators[source(stage)]

  def next_batch(self, stage) -> dict:
    return next(self.iterator(stage))

  def position(self, stage) -> dict:
    """Where `stage`'s source stands now: what a checkpoint stores as its data state."""
    return {"source": source(stage), "state": self.iterator(stage).get_state()}

  def restore(self, position: dict | None, stage) -> None:
    """Continues from a checkpoint's position when it was saved on `stage`'s source (else fresh)."""
    if position and position["source"] == source(stage):
      self.iterator(stage).set_state(position["state"])
