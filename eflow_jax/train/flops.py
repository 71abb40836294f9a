"""FLOPs of one train step from XLA's cost analysis, for the progress line's TFLOP/s and MFU.

XLA counts a while loop's body once, so the count is taken on the unrolled twin of the step
(model.scan_blocks=False, and the jnp reference attention: the blocked softmax that long sequences
use off-GPU scans over key blocks, and XLA cannot count a Pallas kernel's FLOPs; lowered on abstract
shapes: nothing is allocated or compiled), and a
step with gradient accumulation counts its one micro-batch body N times. The count is of the HLO
before XLA's optimisations (what the program asks for, as benchmarks/train_throughput.py does).
"""
import jax

from eflow_jax.train.state import create_train_state
from eflow_jax.train.step import make_train_step


def step_flops(config, model_cls, optimizer, lr_schedule, settings, example_shape, batch_size: int) -> float | None:
  """FLOPs of one train step of `settings` on a global batch of `batch_size`; None if the backend
  has no cost analysis."""
  unrolled = config.model.copy_and_resolve_references()
  unrolled.scan_blocks = False
  unrolled.attention_impl = "reference"
  model = model_cls.from_config(unrolled)
  state = jax.eval_shape(lambda r: create_train_state(model, optimizer, r, example_shape, config.data.text_length),
                         jax.random.PRNGKey(0))
  accum = config.get("grad_accum_steps", 1)
  micro = batch_size // accum
  batch = {"x": jax.ShapeDtypeStruct((micro, *example_shape), "float32")}
  if model.num_classes:
    batch["y"] = jax.ShapeDtypeStruct((micro,), "int32")
  else:
    batch["text"] = jax.ShapeDtypeStruct((micro, config.data.text_length, model.text_dim), "float32")
    batch["text_mask"] = jax.ShapeDtypeStruct((micro, config.data.text_length), "int32")
  step = make_train_step(model, optimizer, config.flow, settings, config.total_steps, config.ema_decay, lr_schedule)
  try:
    cost = step.lower(state, batch).cost_analysis()
  except Exception:  # pylint: disable=broad-except   (a backend without cost analysis)
    return None
  cost = cost[0] if isinstance(cost, (list, tuple)) and cost else cost
  return float(cost["flops"]) * accum if cost and "flops" in cost else None
