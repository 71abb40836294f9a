"""What every way of sampling shares: the sampler program, the conditions to sample, the decoder
and frame rate of a run's clips. The Pipeline, `--mode=sample|eval`, the samples written while
training and the benchmarks all build their samplers here, so one model samples one way; this module
knows nothing of training (nothing in it imports eflow_jax.train)."""
import jax
import jax.numpy as jnp
import numpy as np

from eflow_jax import autoencoders, sample_limits
from eflow_jax import sharding as sharding_lib
from eflow_jax import video_io
from eflow_jax.data import pipeline
from eflow_jax.flow import sampling
from eflow_jax.models.per_example import null_condition_fn, per_example_net

_SAMPLERS = {}      # one compiled program per (model, flow config, shape, options, mesh)


def sample_conditions(config, model, num: int, *, class_id: int | None = None, prompt_batch=None,
                      batch_setting: str = "--num_samples", with_captions: bool = False):
  """The conditions to sample: every class in turn (or one class), or the eval batch's captions
  (with_captions: their text too, as a list under 'caption', to pop before sampling; batch_setting:
  the setting that asked for `num` clips, named if they repeat the captions)."""
  if model.num_classes:
    ids = np.full((num,), class_id) if class_id is not None else np.arange(num) % model.num_classes
    return {"y": jnp.asarray(ids, jnp.int32)}
  if prompt_batch is not None:
    return {"text": jnp.asarray(prompt_batch["text"][:num]), "text_mask": jnp.asarray(prompt_batch["text_mask"][:num])}
  batch = pipeline.make_eval_batch(config.data, model_kind="text", seed=config.seed, batch_size=num,
                                   batch_setting=batch_setting, with_captions=with_captions)
  return {"text": jnp.asarray(batch["text"]), "text_mask": jnp.asarray(batch["text_mask"]),
          **({"caption": [str(c) for c in batch["caption"]]} if with_captions else {})}


def make_sampler(model, flow_config, shape, *, steps=None, sampler=None, guidance=None, mesh=None):
  """A jitted `(params, cond, key) -> samples (B, *shape)` with the configured sampler (Alg. 2 by
  default). The same arguments return the same program, so periodic samples during training, every
  checkpoint of a scored curve and repeated Pipeline calls compile once. With a mesh the samples come
  back replicated, so every process can read them."""
  key = (model, flow_config.to_json(), tuple(shape), steps, sampler, guidance, mesh)
  if key not in _SAMPLERS:
    cfg = flow_config.copy_and_resolve_references()
    if guidance is not None:
      cfg.w_inf = float(guidance)
    out = None if mesh is None else sharding_lib.replicated(mesh)
    _SAMPLERS[key] = jax.jit(
        lambda p, c, k: sampling.sample(per_example_net(model, p), k, c, cfg=cfg, shape=shape,
                                        null_cond=null_condition_fn(model), steps=steps, sampler=sampler),
        out_shardings=out)
  return _SAMPLERS[key]


def run_sampler(what: str, program, params, cond: dict, key, setting: str | None = None):
  """program(params, cond, key) (a `make_sampler` program), once its compiled form is known to fit
  in the free memory (sample_limits.check_working_memory, `what` naming the request, `setting` the
  config field of its clip count). jit caches the compile, so nothing is compiled twice."""
  if jax.config.jax_disable_jit:          # run eagerly (jax.disable_jit): no compiled program to measure
    return program(params, cond, key)
  compiled = program.lower(params, cond, key).compile()
  try:
    analysis = compiled.memory_analysis()
  except Exception:  # pylint: disable=broad-except   (a backend that does not report it)
    analysis = None
  num_clips = int(np.shape(jax.tree.leaves(cond)[0])[0])
  sample_limits.check_working_memory(what, num_clips, analysis, sample_limits.free_device_memory(), setting)
  return compiled(params, cond, key)


def autoencoder_for(config):
  """The decoder of the latents this run trains on (identity for pixels; Wan 2.1 for its shards)."""
  manifest = pipeline.record_manifest(config.data)
  return autoencoders.from_config(config, manifest)


def clip_fps(config) -> float:
  """The frame rate samples play at: the record set's (prepare_data measures it), else video_io's."""
  if config.data.source == "array_record":
    return pipeline.manifest(config.data).get("fps") or video_io.DEFAULT_FPS
  return video_io.DEFAULT_FPS


def clear_samplers() -> None:
  """Forgets the compiled samplers (tests that intercept the network while it is traced need a
  fresh trace)."""
  _SAMPLERS.clear()
