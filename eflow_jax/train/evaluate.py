"""Sampling and evaluation: the `sample` / `eval` modes (they read a checkpoint or an export, never write one), the
sample metrics (train/loop.py's score_at_end prints them), and the samples and diagnostics written while it trains."""
import itertools
import os
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax import cli_checks, run_lineage, sample_limits, video_io, weights_digest, workdir as workdir_lib
from eflow_jax.cli_checks import check_eval_report_settings, check_report_name_step
from eflow_jax.sample_files import default_sample_name, write_sample_files
from eflow_jax.atomic_io import make_parent_folder, write_json_atomically
from eflow_jax import sharding as sharding_lib
from eflow_jax import text as text_encoders
from eflow_jax.data import eval_set, fingerprint, pipeline, records, trained_sets
from eflow_jax.flow import diagnostics as flow_diagnostics
from eflow_jax.text import encoder_identity
from eflow_jax.flow import losses as flow_losses
from eflow_jax import deleted_record_set
from eflow_jax.trained_data_checks import check_data_for_model, saved_description
from eflow_jax.inference import autoencoder_for, clip_fps, make_sampler, run_sampler, sample_conditions
from eflow_jax.models.per_example import batch_condition, null_condition_fn, per_example_net
from eflow_jax.pipeline import (CONFIG_FILE, check_example_shape, check_float32_default, is_export, read_description,
                                restore_export, trained_example_shape)
from eflow_jax.train import curriculum
from eflow_jax.train.run_setup import build, checkpointer, fresh_state, model_kind
from eflow_jax.train.training_grids import write_samples


# ------------------------------------------------------------------------------------------------
# While training: samples every config.sample_every steps, diagnostics every
# config.eval.guidance_diagnostics_every steps, the score at the end.
# ------------------------------------------------------------------------------------------------
class InLoopEvaluation:
  """What the loop writes besides its metrics. The sampler and the diagnostics are built once per
  run, so they compile only the first time; config.eval_every's programs are rebuilt at each
  evaluation (keep it rare)."""

  def __init__(self, config, model, example_shape, mesh, workdir, writer):
    self._config, self._model, self._workdir, self._writer, self._mesh = config, model, workdir, writer, mesh
    self._example_shape = example_shape
    self._sampler, self._decoder = make_sampler(model, config.flow, example_shape, mesh=mesh), None
    # config.sample_every_minutes: a grid also after that much wall time since the last one, so a
    # user who stops a run early has recent samples to look at whatever the step rate of the machine.
    self._every_seconds = 60.0 * float(config.get("sample_every_minutes", 0.0))
    self._last_grid_time = time.perf_counter()
    self.last_grid_path: str | None = None
    self._diagnostics_every = config.eval.guidance_diagnostics_every
    self._diagnose = guidance_diagnostics_fn(config, model, mesh) if self._diagnostics_every else None
    # The resolved config in TensorBoard's Text tab (indented: shown as preformatted text).
    writer.write_text(0, "config", "    " + config.to_json_best_effort(indent=1).replace("\n", "\n    "))

  def after_step(self, done: int, state, batch) -> float:
    """Does what is due after step `done`; returns the seconds it took (not training time)."""
    config, began = self._config, time.perf_counter()
    by_steps = config.sample_every and done % config.sample_every == 0
    by_time = self._every_seconds and began - self._last_grid_time >= self._every_seconds
    last = done == config.total_steps and (config.sample_every or self._every_seconds)
    if by_steps or by_time or last:
      self._write_samples(done, state)
      self._last_grid_time = time.perf_counter()
    if self._diagnostics_every and done % self._diagnostics_every == 0:
      diag = self._diagnose(state.params, batch["x"], batch_condition(batch), jax.random.PRNGKey(done))
      self._writer.write(done, {f"diag/{k}": v for k, v in diag.items()})
    if config.get("eval_every") and done % config.eval_every == 0:
      self._writer.write(done, self.evaluate(state))
    return time.perf_counter() - began

  def _write_samples(self, done: int, state) -> None:
    """GIF + MP4 under <workdir>/samples and the same grid in TensorBoard."""
    config = self._config
    cond = sample_conditions(config, self._model, config.num_samples, batch_setting="num_samples")
    latents = run_sampler("training's sample grids", self._sampler, state.ema_params, cond,    # buffers that fit
                          jax.random.PRNGKey(config.seed + 1), setting="num_samples")
    self._decoder = self._decoder or autoencoder_for(config)
    videos = np.asarray(self._decoder.decode(latents))
    paths = write_samples(self._workdir, f"step_{done:06d}", videos, columns=config.get("sample_columns"),
                          fps=clip_fps(config))
    if paths:
      self.last_grid_path = paths[0]
      print(f"  samples ({sampling_protocol(config.flow)['sampler_steps']}-step, EMA): {paths[0]}", flush=True)
      self._writer.write_clips(done, "samples", video_io.video_grid(video_io.to_uint8(videos),
                                                                    config.get("sample_columns")),
                               fps=clip_fps(config))

  def evaluate(self, state) -> dict:
    """config.eval_every: eval/* scalars of the EMA weights (held-out objective, sample metrics)."""
    config = self._config
    scalars = {f"eval/objective/{k}": v for k, v in
               held_out_objective(config, self._model, state, self._mesh, num_batches=1).items()}
    report = sample_metrics(config, self._model, self._example_shape, state, self._mesh, self._workdir)
    number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    for key, value in report.items():
      if number(value):
        scalars[f"eval/{key}"] = value
      elif key.startswith("prompt_following"):     # eval/prompt_following/digit_accuracy, ...
        scalars.update({f"eval/{key}/{k}": v for k, v in value.items() if number(v)})
    if "prompt_following" in report and jax.process_index() == 0:
      got = report["prompt_following"]
      print(f"  eval: prompt following of {got['num_clips']} samples: digit {got['digit_accuracy']:.0%}, "
            f"direction {got['direction_accuracy']:.0%} (vertical {got['vertical_accuracy']:.0%}, horizontal "
            f"{got['horizontal_accuracy']:.0%}), both {got['both_accuracy']:.0%}", flush=True)
    return scalars


# ------------------------------------------------------------------------------------------------
# The sample and eval modes: read a checkpoint, never write one.
# ------------------------------------------------------------------------------------------------
def weights_manifest(workdir: str, meta: dict) -> dict | None:
  """The manifest of the set the weights trained on (its encoder digest): the checkpoint's, or the export's."""
  if is_export(workdir):
    return read_description(os.path.join(workdir, CONFIG_FILE)).get("manifest")
  return (meta or {}).get("data_manifest")


def trained_history(workdir: str, meta: dict) -> dict | None:
  """Every record set the weights trained on (data/trained_sets.py): the checkpoint's meta, or the
  export's config.json."""
  if is_export(workdir):
    return trained_sets.of_export(read_description(os.path.join(workdir, CONFIG_FILE)))
  return trained_sets.of_meta(meta)


def restore_for_inference(config, workdir, step=None):
  check_float32_default(f"--workdir={workdir}")
  model, stages, example_shape, optimizer, _ = build(config)
  mesh = sharding_lib.make_mesh(config.mesh)
  if is_export(workdir):
    if jax.process_count() > 1:
      raise ValueError(f"{workdir} is an export: score it in one process (exports are read whole).")
    return model, example_shape, restore_export(config, workdir, step), {}, mesh
  if not os.path.isdir(os.path.join(workdir, "checkpoints")):
    raise FileNotFoundError(f"no checkpoint under {workdir}/checkpoints; run --mode=train first or fix "
                            f"--workdir.")
  ckpt = checkpointer(config, workdir, stages, mesh, read_only=True)
  if ckpt.latest_step() is None:
    raise FileNotFoundError(f"no checkpoint under {ckpt.directory}; run --mode=train first or fix --workdir.")
  # Restored straight into this run's layout: a checkpoint written on another mesh or process
  # count is resharded by Orbax on read. The model fields must match the checkpoint's (as on resume).
  try:
    state, _, meta = ckpt.restore(fresh_state(config, model, optimizer, example_shape, mesh)[0], step,
                                  config_json=ckpt_lib.config_json(config))
    run_lineage.check_one_run(ckpt, int(state.step), meta)      # not a step copied in from another run
  finally:
    ckpt.close()
  fingerprint.check_for_inference(meta, config.data, f"checkpoint {int(state.step)} in {ckpt.directory}")
  trained = trained_example_shape(meta)
  if trained is not None:
    check_example_shape(f"the checkpoint in {ckpt.directory}", trained, example_shape)
  return model, example_shape, state, meta, mesh


def sample_videos(config, workdir, *, step=None, num=None, steps=None, guidance=None, seed=0,
                  class_id=None, prompts=None, sampler=None, use_ema=True):
  """(videos (B, T, H, W, C) in [-1, 1], conditions (and 'caption': the eval captions a text model
  sampled without prompts, else None), step) of `--mode=sample`: every class in turn (or `class_id`),
  or one clip per prompt (a text model; `num` clips of the eval captions without)."""
  clips = len(prompts) if prompts is not None else num or config.num_samples
  saved = saved_description(workdir, step)
  check_data_for_model(config, workdir, saved, reads_records=False)
  if saved:                 # a deleted record set: its saved manifest stands in
    deleted_record_set.stands_in(config, saved)
  manifest = pipeline.record_manifest(config.data)
  sample_limits.check_sample_mode("--mode=sample", clips, config, pipeline.example_shape(config.data), manifest)
  model, example_shape, state, meta, mesh = restore_for_inference(config, workdir, step)
  if prompts is not None:
    if model.num_classes:
      raise ValueError("--prompt / --prompts_file are for text models; use --class_id with a class-conditional "
                       "model.")
    cli_checks.warn_blank_prompts("--mode=sample", prompts)
    encoder = text_encoders.from_config(config, weights_manifest(workdir, meta))   # its captions' encoder only
    text, mask = encoder.encode(list(prompts))
    prompt_batch, num = {"text": text, "text_mask": mask}, len(prompts)
  else:
    prompt_batch, num = None, num or config.num_samples
  if class_id is not None and not 0 <= class_id <= model.num_classes:
    raise ValueError(f"--class_id={class_id} outside [0, {model.num_classes}] ({model.num_classes} = null).")
  if class_id is not None and class_id == model.num_classes:      # named class{N} like the classes it is not
    print(f"note: --class_id={class_id} is the null class of this {model.num_classes}-class model: the clips are "
          f"unconditional (classes are 0..{model.num_classes - 1}).", file=sys.stderr, flush=True)
  cond = sample_conditions(config, model, num, class_id=class_id, prompt_batch=prompt_batch, with_captions=True)
  captions = cond.pop("caption", None)      # a text model without prompts: its eval captions, for captions.txt
  params = state.ema_params if use_ema else state.params
  try:          # every clip is sampled at once: run_sampler checks the compiled sampler's buffers fit
    program = make_sampler(model, config.flow, example_shape, steps=steps, sampler=sampler, guidance=guidance,
                           mesh=mesh)
    latents = run_sampler("--mode=sample", program, params, cond, jax.random.PRNGKey(seed))
    return np.asarray(autoencoder_for(config).decode(latents)), {**cond, "caption": captions}, int(state.step)
  except jax.errors.JaxRuntimeError as e:
    if "RESOURCE_EXHAUSTED" not in str(e):
      raise
    fit = sample_limits.clips_that_fit(num, str(e))
    raise MemoryError(f"--mode=sample: {num} clips at once do not fit in memory ({ckpt_lib.first_line(e)}); ask for "
                      f"{f'about {fit} clips or fewer' if fit else 'fewer clips'} per call and sample the rest in "
                      f"other calls with another --seed.") from None


def sample(config, workdir, *, step=None, num=None, steps=None, guidance=None, seed=0, class_id=None,
           prompt=None, prompts=None, output=None, sampler=None, use_ema=True) -> list[str]:
  """--mode=sample: each clip on its own (`<stem>_clips/`, named by its index and its class or its
  caption's place among the prompts; captions.txt there gives each clip's caption), then the grid of
  every clip (GIF + MP4). `prompt`: one caption for all `num` clips; `prompts`: one clip per caption."""
  if prompt is not None:
    prompts = [prompt] * (num or config.num_samples)
  videos, cond, trained = sample_videos(config, workdir, step=step, num=num, steps=steps, guidance=guidance,
                                        seed=seed, class_id=class_id, prompts=prompts, sampler=sampler,
                                        use_ema=use_ema)
  name = output or default_sample_name(config, trained, steps=steps, guidance=guidance, seed=seed, sampler=sampler,
                                       num=len(videos), class_id=class_id, prompts=prompts)
  stem = name if os.path.isabs(name) or os.path.dirname(name) else os.path.join(workdir, "samples", name)
  if jax.process_index() != 0:
    return []
  print(f"sampled step {trained} of {workdir} ({'EMA' if use_ema else 'online'} weights)", flush=True)   # the newest moves
  if "y" in cond:
    labels = [f"class{int(c)}" for c in np.asarray(cond["y"])]
  else:            # the line of --prompts_file, the one --prompt, or the eval batch's caption
    labels = [f"prompt{0 if prompt is not None else i}" if prompts is not None else f"caption{i}"
              for i in range(len(videos))]
  names = [f"{i:03d}_{label}" for i, label in enumerate(labels)]
  return write_sample_files(stem, videos, names, config.get("sample_columns"), clip_fps(config),
                            captions=prompts if prompts is not None else cond.get("caption"))


def evaluate(config, workdir, *, step=None, num_batches: int = 4, output: str | None = None) -> dict:
  """The JSON eval report of a checkpoint (EMA weights): held-out objective + sample metrics.

  Sample metrics (eflow_jax/metrics/): `config.eval.num_samples` clips from the configured sampler
  against as many held-out real clips: sharpness; on Moving MNIST the in-repo classifier's Fréchet
  distance and class accuracy (classifier trained once, cached in <workdir>/metrics/); with
  `config.eval.use_i3d` FVD on Kinetics-400 I3D logits (reference statistics cached per protocol).
  """
  check_data_for_model(config, workdir, saved_description(workdir, step))
  model, example_shape, state, meta, mesh = restore_for_inference(config, workdir, step)
  weights = weights_field(meta, state, mesh)
  if config.data.source == "array_record":
    sets = {"data.path": pipeline.manifest(config.data)}
    if config.data.eval_path:
      sets["data.eval_path"] = records.read_manifest(config.data.eval_path)
    encoder_identity.check_sets_match_model(weights_manifest(workdir, meta), sets)
  described = eval_set.describe(config.data, (meta.get("config") or {}).get("data"), trained_history(workdir, meta))
  eval_set.warn_if_not_held_out(config.data, described)
  default_path = os.path.join(workdir, f"eval_step{int(state.step):06d}.json")
  if output is not None:
    check_report_name_step(output, int(state.step))
  settings = {"num_samples": config.eval.num_samples, **sampling_protocol(config.flow),
              "sample_seed": config.seed + 1000, "eval_set": described}
  check_eval_report_settings(output or default_path, settings, weights[weights_digest.KEY], "--output" if output else None)
  report = {"step": int(state.step), "weights": "ema", **weights,
            "objective": held_out_objective(config, model, state, mesh, num_batches),
            "guidance_diagnostics": held_out_diagnostics(config, model, state, mesh, num_batches)}
  report.update(sample_metrics(config, model, example_shape, state, mesh, workdir, described_eval_set=described))
  if jax.process_index() == 0:
    path = weights_digest.report_path(output or default_path)
    make_parent_folder(path)
    weights_digest.set_aside_report_of_other_weights(path, weights[weights_digest.KEY])
    write_json_atomically(path, report)      # renamed into place: a killed eval leaves the earlier report whole
    shown = {k: v for k, v in report.items() if k != "protocol"}
    print(f"eval (EMA weights) -> {path}: {shown}", flush=True)
  return report


def weights_field(meta: dict, state, mesh) -> dict:
  """{weights_digest.KEY: digest} of the weights scored, from the checkpoint's meta, or from the
  arrays (an export; a checkpoint older than checksums): the model card keeps only their reports."""
  return {weights_digest.KEY: weights_digest.weights_digest(meta) or
          weights_digest.ema_digest(state.ema_params, sharding_lib.replicated(mesh))}


def held_out_objective(config, model, state, mesh, num_batches: int) -> dict:
  """The training objective (last stage's split, no token drop) on held-out clips."""
  stages = curriculum.build_stages(config.curriculum, config.total_steps)
  settings = curriculum.StepSettings(0.0, stages[-1].ratios)

  def objective(params, x0, cond, key):
    net = per_example_net(model, params)
    return flow_losses.total_loss(net, (x0, cond), key, state.step, config.total_steps, cfg=config.flow,
                                  null_cond=null_condition_fn(model), net_ema=net,
                                  ratios=settings.ratios)[1]

  objective = jax.jit(objective, out_shardings=sharding_lib.replicated(mesh))
  results = [{k: float(v) for k, v in objective(state.ema_params, jnp.asarray(batch["x"]),
                                                batch_condition(batch), key).items()}
             for batch, key in held_out_batches(config, num_batches)]
  return {k: float(np.mean([r[k] for r in results])) for k in results[0]}


def held_out_batches(config, num_batches: int):
  """(batch, key) i = 0..num_batches-1: held-out clips (seed config.seed + i) and PRNGKey(i)."""
  for i in range(num_batches):
    yield (pipeline.make_eval_batch(config.data, model_kind=model_kind(config), seed=config.seed + i,
                                    batch_size=config.data.batch_size, batch_setting=None), jax.random.PRNGKey(i))


def guidance_diagnostics_fn(config, model, mesh):
  """jit (params, x0, cond, key) -> flow/diagnostics.py's per-t-bin parts of the guided target
  (dense network: no token drop)."""
  def diagnose(params, x0, cond, key):
    return flow_diagnostics.guidance_diagnostics(
        per_example_net(model, params), jnp.asarray(x0, jnp.float32), cond, key,
        null_cond=null_condition_fn(model), cfg=config.flow)
  return jax.jit(diagnose, out_shardings=sharding_lib.replicated(mesh))


def held_out_diagnostics(config, model, state, mesh, num_batches: int) -> dict:
  """The guidance diagnostics of the EMA weights on held-out clips, pooled over batches."""
  diagnose = guidance_diagnostics_fn(config, model, mesh)
  return flow_diagnostics.pool([
      {k: float(v) for k, v in diagnose(state.ema_params, batch["x"], batch_condition(batch), key).items()}
      for batch, key in held_out_batches(config, num_batches)])


def refuse_non_finite(samples):
  """Scored, non-finite samples would read as black clips with numbers beside them: refused."""
  if not np.all(np.isfinite(samples)):
    raise FloatingPointError(f"{int(np.sum(~np.isfinite(samples)))} sample values are not finite; the "
                             f"weights are damaged or diverged: nothing was scored.")
  return samples


def sample_metrics(config, model, example_shape, state, mesh, workdir, *, num_samples: int | None = None,
                   use_i3d: bool | None = None, described_eval_set: dict | None = None) -> dict:
  """Generates `num_samples` (default config.eval.num_samples) clips and scores them against as many
  held-out real clips; FVD when `use_i3d` (default config.eval.use_i3d). described_eval_set: the
  report's eval_set as the weights' training history gives it (default: as this config gives it)."""
  from eflow_jax.metrics import classifier as mnist_classifier
  from eflow_jax.metrics import frame_judge
  from eflow_jax.metrics import fvd as fvd_lib
  from eflow_jax.metrics import report as video_report

  ev, kind = config.eval.copy_and_resolve_references(), model_kind(config)
  ev.num_samples = ev.num_samples if num_samples is None else int(num_samples)
  ev.use_i3d = ev.use_i3d if use_i3d is None else bool(use_i3d)
  sample_seed, real_seed = config.seed + 1000, config.seed + 2000
  captioned = config.data.source == "moving_mnist" and not model.num_classes   # the prompt-following score
  prompts = (pipeline.make_eval_batch(config.data, model_kind="text", seed=config.seed, batch_size=ev.num_samples,
                                      with_captions=True) if captioned else None)
  cond = sample_conditions(config, model, ev.num_samples, prompt_batch=prompts, batch_setting="eval.num_samples")
  latents = run_sampler("--mode=eval", make_sampler(model, config.flow, example_shape, mesh=mesh),
                        state.ema_params, cond, jax.random.PRNGKey(sample_seed), setting="eval.num_samples")
  decoder = autoencoder_for(config)
  decode = lambda x: np.clip(np.asarray(decoder.decode(jnp.asarray(x))), -1.0, 1.0)
  samples = refuse_non_finite(decode(latents))
  real = pipeline.make_eval_batch(config.data, model_kind=kind, seed=real_seed, batch_size=ev.num_samples,
                                  with_captions=captioned)
  if jax.process_index() != 0:
    return {}
  classifier, classifier_meta, metrics_dir = None, None, workdir_lib.metrics_folder(config, workdir)
  if config.data.source == "moving_mnist":
    classifier, classifier_meta = mnist_classifier.load_or_train_classifier(
        ev.classifier_path or mnist_classifier.cached_path(metrics_dir, "classifier", ev.classifier_steps),
        config.data, steps=ev.classifier_steps)
  judge, judge_meta = (frame_judge.load_or_train_judge(config.data, mnist_classifier.cached_path(
      metrics_dir, "frame_judge", ev.frame_judge_steps), steps=ev.frame_judge_steps)
                        if model.num_classes and frame_judge.applies_to(config.data) else (None, None))
  i3d_stats, i3d_cache_dir = None, None
  if ev.use_i3d:
    proto = fvd_lib.protocol(dataset=f"{config.data.source}/heldout", clip_frames=samples.shape[1],
                             num_clips=ev.i3d_clips, seed=config.seed + 3000)
    real_batches = ({"x": decode(pipeline.make_eval_batch(config.data, model_kind=kind, seed=config.seed + 3000 + i,
                                                          batch_size=16)["x"])} for i in itertools.count())
    reference_path = ev.i3d_reference_path or os.path.join(metrics_dir, "i3d_reference.npz")
    i3d_stats = fvd_lib.reference_statistics(real_batches, reference_path, proto=proto)
    i3d_cache_dir = os.path.dirname(reference_path)      # the real clips' I3D features live beside it
  report = video_report.evaluate_videos(
      samples, np.asarray(cond["y"]) if "y" in cond else None, real_videos=decode(real["x"]),
      real_labels=real.get("y"), classifier_params=classifier, real_i3d_stats=i3d_stats, use_i3d=ev.use_i3d,
      i3d_cache_dir=i3d_cache_dir, judge_params=judge,
      protocol={"sample_seed": sample_seed, "real_seed": real_seed, **sampling_protocol(config.flow),
                "eval_set": described_eval_set or eval_set.describe(config.data)})
  if classifier_meta:
    report["classifier"] = {k: classifier_meta[k] for k in ("steps", "heldout_clips", "heldout_accuracy")}
  if judge_meta:
    report["frame_judge_model"] = {k: judge_meta[k] for k in ("steps", "seed", "heldout_frame_accuracy")}
  if captioned:
    report.update(prompt_following_scores(config, samples, prompts, decode(real["x"]), real, classifier))
  return report


def sampling_protocol(flow) -> dict:
  """How an eval report's clips were sampled: the sampler, the steps it took (sample_limits.steps_taken),
  its network evaluations, the guidance and the other settings that change the clips (sampler_settings)."""
  steps = sample_limits.steps_taken(flow.sampler, flow.inference_steps)
  return {"sampler": flow.sampler, "sampler_steps": steps, "nfe": steps * (2 if flow.sampler == "euler_cfg" else 1),
          "guidance": flow.w_inf, **sample_limits.sampler_settings(flow)}


def prompt_following_scores(config, samples, prompts, real_videos, real, classifier) -> dict:
  """metrics/prompt_following.py on the samples (their prompts: the held-out captions they were drawn
  with) and on as many real held-out clips with their own captions (the score's ceiling)."""
  from eflow_jax.metrics import prompt_following  # pylint: disable=g-import-not-at-top
  return {"prompt_following": prompt_following.score(samples, list(prompts["caption"][:len(samples)]),
                                                     classifier, config.data),
          "prompt_following_real": prompt_following.score(real_videos, list(real["caption"]), classifier,
                                                          config.data)}
