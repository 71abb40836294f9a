"""Tiny text-to-video run (the slow test's recipe): t2v_256p:runlocal shrunk to the tiny model."""
import os
from eflow_jax import schema
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

def get_config(arg=None):
  options = schema.parse_options(arg, __file__, values={"steps": 5})
  config = schema.load_config(os.path.join(REPO, "configs/t2v_256p.py:runlocal"))
  tiny = schema.load_config(os.path.join(REPO, "tests/tiny_config.py"))
  config.model.update({k: tiny.model[k] for k in ("hidden", "mlp_hidden", "num_heads", "encoder_blocks",
                                                   "middle_blocks", "decoder_blocks", "softmax_every")})
  config.data.update(batch_size=4, frames=4, size=16, digit_size=8, max_speed=2)
  config.total_steps, config.log_every = options["steps"], 1
  config.log_flops = False
  config.checkpoint.every_steps = 1000
  return config
