"""The training loop, and the `sample` / `eval` modes that read its checkpoints.

config -> data -> model -> objective -> train step -> checkpoint / metrics / samples.
"""
import itertools
import json
import os
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
from absl import logging

from eflow_jax import autoencoders
from eflow_jax import checkpoint as ckpt_lib
from eflow_jax import sharding as sharding_lib
from eflow_jax import text as text_encoders
from eflow_jax import video_io
from eflow_jax.data import pipeline
from eflow_jax.flow import diagnostics as flow_diagnostics
from eflow_jax.flow import losses as flow_losses
from eflow_jax.flow import sampling
from eflow_jax.models.per_example import batch_condition, null_condition_fn, per_example_net
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.train import curriculum, preemption, validate
from eflow_jax.train.logging import LogWindow, MetricWriter, progress_line
from eflow_jax.train.state import create_train_state, make_optimizer
from eflow_jax.train.step import make_train_step, nonfinite_names


# ------------------------------------------------------------------------------------------------
# Set-up shared by every mode.
# ------------------------------------------------------------------------------------------------
def model_kind(config) -> str:
  return "class" if config.model.num_classes else "text"


def build(config, *, read_data: bool = True):
  """Everything derived from the config, validated before anything compiles.

  read_data=False: the data is not read, the example shape is data.latent_shape or else
  video.latent_shape (benchmarks, which time the step on random batches of that geometry).
  """
  validate.check_run_config(config, read_data=read_data)   # every one-line config / data error
  stages = curriculum.build_stages(config.curriculum, config.total_steps)
  model = VideoDiT.from_config(config.model)
  if read_data or config.data.source != "array_record":      # Moving MNIST reads no files here
    example_shape = tuple(pipeline.example_shape(config.data))
  else:
    example_shape = tuple(config.data.latent_shape or config.get("video", {}).get("latent_shape", ()))
    if len(example_shape) != 4:
      raise ValueError("read_data=False needs data.latent_shape or video.latent_shape (T, H, W, C).")
  lr_schedule = curriculum.learning_rate_schedule(stages, **config.lr_schedule)
  optimizer = make_optimizer(config.optimizer, lr_schedule)
  return model, stages, example_shape, optimizer, lr_schedule


def fresh_state(config, model, optimizer, example_shape, mesh=None):
  """(state, state_shardings): initialised directly in its sharded layout on `mesh`.

  jit with out_shardings makes every device compute only its own shards, so a model larger than
  one device's memory never exists unsharded. Without a mesh: default placement, shardings None.
  """
  init = lambda rng: create_train_state(model, optimizer, rng, example_shape, config.data.text_length)
  rng = jax.random.PRNGKey(config.seed)
  if mesh is None:
    return jax.jit(init)(rng), None
  shardings = sharding_lib.tree_shardings(jax.eval_shape(init, rng), config.sharding, mesh)
  return jax.jit(init, out_shardings=shardings)(rng), shardings


def make_run_mesh(config, stages=()):
  """The run's mesh, checked against every batch size the run will use."""
  mesh = sharding_lib.make_mesh(config.mesh)
  sharding_lib.check_batch(config.data.batch_size, mesh)
  for stage in stages:
    if stage.batch_size:
      sharding_lib.check_batch(stage.batch_size, mesh, f"curriculum {stage.name} batch_size")
  return mesh


def checkpointer(config, workdir, stages, mesh, *, read_only: bool = False):
  """The run's checkpoints; read_only for sample / eval, which never create, clean or rename."""
  return ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"),
                               max_to_keep=config.checkpoint.max_to_keep,
                               keep_steps=curriculum.boundaries(stages), read_only=read_only,
                               replicated_sharding=sharding_lib.replicated(mesh))


def data_config_for(config, stage):
  data_cfg = config.data.copy_and_resolve_references()
  if stage.data_path:
    data_cfg.path = stage.data_path
  if stage.batch_size:
    data_cfg.batch_size = stage.batch_size
  return data_cfg


# ------------------------------------------------------------------------------------------------
# Samples.
# ------------------------------------------------------------------------------------------------
def sample_conditions(config, model, num: int, *, class_id: int | None = None, prompt_batch=None):
  """The conditions to sample: every class in turn (or one class), or the eval batch's captions."""
  if model.num_classes:
    ids = np.full((num,), class_id) if class_id is not None else np.arange(num) % model.num_classes
    return {"y": jnp.asarray(ids, jnp.int32)}
  batch = prompt_batch or pipeline.make_eval_batch(config.data, model_kind="text", seed=config.seed,
                                                   batch_size=num)
  return {"text": jnp.asarray(batch["text"][:num]), "text_mask": jnp.asarray(batch["text_mask"][:num])}


def make_sampler(model, flow_config, shape, *, steps=None, sampler=None, guidance=None, mesh=None):
  """A jitted `(params, cond, key) -> samples (B, *shape)` with the configured sampler (Alg. 2 by
  default). Built once per run so periodic samples during training compile only the first time.
  With a mesh the samples come back replicated, so every process can read them."""
  cfg = flow_config.copy_and_resolve_references()
  if guidance is not None:
    cfg.w_inf = float(guidance)
  out = None if mesh is None else sharding_lib.replicated(mesh)
  return jax.jit(lambda p, c, k: sampling.sample(per_example_net(model, p), k, c, cfg=cfg, shape=shape,
                                                 null_cond=null_condition_fn(model), steps=steps,
                                                 sampler=sampler), out_shardings=out)


def autoencoder_for(config):
  """The decoder of the latents this run trains on (identity for pixels; Wan 2.1 for its shards)."""
  manifest = pipeline.manifest(config.data) if config.data.source == "array_record" else None
  return autoencoders.from_config(config, manifest)


def write_samples(workdir, name, videos, columns=None):
  if jax.process_index() != 0:
    return []
  return video_io.write_videos(os.path.join(workdir, "samples", name), np.asarray(videos), columns=columns)


# ------------------------------------------------------------------------------------------------
# Train.
# ------------------------------------------------------------------------------------------------
def train(config, workdir: str, *, stop_at: int | None = None, allow_resume_changes=()) -> dict:
  """Trains (resuming from `workdir` when it holds checkpoints); returns the last logged metrics.

  stop_at: end this invocation after that step with a checkpoint, as a preemption would (tests).
  SIGTERM / SIGINT / SIGUSR1 do the same at the next step boundary; the returned dict then has
  "preempted": the signal's name. A non-finite step follows config.nan_policy (README, Operations).
  allow_resume_changes: data-order fields (`seed`, `data.batch_size`, ...) a resume may change
  (`--allow_resume_change`); any other difference from the checkpoint's config is refused.
  """
  build_result = build(config)
  ckpt_lib.check_workdir(workdir)
  lock = ckpt_lib.lock_workdir(workdir)   # before the Checkpointer, which cleans stale temp directories
  try:
    return _train_locked(config, workdir, build_result, stop_at, tuple(allow_resume_changes))
  finally:
    if lock is not None:
      lock.release()


def check_resume(saved_config: dict, config, allowed) -> None:
  """Refuses a resume whose data order differs from the checkpoint's (seed, batch, data source)."""
  current = ckpt_lib.config_json(config)
  unknown = sorted(set(allowed) - set(ckpt_lib.resume_guarded_fields(current)))
  if unknown:
    raise ValueError(f"--allow_resume_change: {', '.join(unknown)} is not a data-order field; they are "
                     f"seed, data.* (not num_threads, prefetch, eval_path) and curriculum.stageN.data_path / "
                     f"batch_size.")
  changed = ckpt_lib.resume_mismatches(saved_config, current)
  refused = [key for key in changed if key not in allowed]
  if refused:
    raise ValueError(f"resuming with another data order ({'; '.join(changed[k] for k in refused)}): rerun "
                     f"with the checkpoint's values, start a new --workdir, or pass "
                     f"--allow_resume_change={','.join(refused)} (the run then differs from an uninterrupted "
                     f"one).")
  if changed and jax.process_index() == 0:
    print(f"warning: resuming with {'; '.join(changed.values())} (--allow_resume_change): the data order "
          f"differs from an uninterrupted run from here on.", file=sys.stderr, flush=True)


def _train_locked(config, workdir, build_result, stop_at, allow_resume_changes) -> dict:
  model, stages, example_shape, optimizer, lr_schedule = build_result
  mesh = make_run_mesh(config, stages)
  ckpt = checkpointer(config, workdir, stages, mesh)
  state, state_shardings = fresh_state(config, model, optimizer, example_shape, mesh)
  ckpt_lib.check_free_space(workdir, state)
  layout = sharding_lib.describe(state_shardings.params, state.params)
  logging.info("mesh %s; params: %d of %d leaves sharded, %d of %d elements per device", dict(mesh.shape),
               layout["sharded_leaves"], layout["leaves"], layout["elements_per_device"], layout["elements"])
  batch_sharding = sharding_lib.batch_sharding(mesh, config.sharding, 1)
  group_multiple = sharding_lib.data_parallel_size(mesh) if config.sharding.align_groups else 1
  # gloo (multi-process CPU) deadlocks on queued steps with >1 local device: block every step.
  sync_every_step = jax.process_count() > 1 and jax.default_backend() == "cpu"
  data_state = None
  if ckpt.latest_step() is not None:
    state, data_state, meta = ckpt.restore(state, config_json=ckpt_lib.config_json(config))
    check_resume(meta.get("config", {}), config, allow_resume_changes)
    logging.info("resumed from step %d (stage %s)", int(state.step), meta.get("stage"))
    print(f"Resuming from {ckpt.directory} at step {int(state.step)} (stage {meta.get('stage')}).", flush=True)
    if int(state.nonfinite_groups):     # a halted run's last good state: start healthy again
      state = jax.jit(lambda s: s.replace(nonfinite_groups=jnp.zeros_like(s.nonfinite_groups)),
                      out_shardings=state_shardings, donate_argnums=0)(state)
  start = int(state.step)
  writer = MetricWriter(workdir, config.get("use_clu_writers", False))
  compiled = {}
  iterators = {}
  decoder = None
  periodic_sampler = make_sampler(model, config.flow, example_shape, mesh=mesh)
  tokens_per_example = int(np.prod([n // p for n, p in zip(example_shape[:3], model.patch)]))
  last_metrics, window = {}, LogWindow()
  diagnostics_every = config.eval.guidance_diagnostics_every
  diagnose = guidance_diagnostics_fn(config, model, mesh) if diagnostics_every else None
  stage = curriculum.stage_at(stages, start)
  halt_on_nonfinite = config.nan_policy == "halt"
  skipped_before = skipped_reported = int(state.nonfinite_steps)   # counted by earlier invocations
  newly_bad = lambda m: int(m["nonfinite_steps"]) > skipped_before
  failed_save = None                 # (step, message) of a checkpoint write that failed

  # Stages that read the same data source (path and batch size) share one iterator, so its position
  # is a function of (seed, step); a stage with a new source (T2V 256p -> 480p) starts it fresh.
  source = lambda st: f"{st.data_path}|{st.batch_size}"

  def iterator_for(stage):
    if source(stage) not in iterators:
      iterators[source(stage)] = pipeline.make_train_iterator(
          data_config_for(config, stage), model_kind=model_kind(config), seed=config.seed,
          process_index=jax.process_index(), process_count=jax.process_count())
    return iterators[source(stage)]

  def save(step, data_position=None):
    """Writes checkpoint `step`; a failed write (full disk...) is reported and training goes on."""
    nonlocal failed_save
    if step in ckpt.all_steps():
      return
    earlier = ckpt.async_error()
    if earlier:
      print(f"warning: checkpoint at step {earlier[0]} failed ({earlier[1]}); newest good checkpoint: "
            f"{ckpt.latest_step()}.", file=sys.stderr, flush=True)
    cur = curriculum.stage_at(stages, max(step - 1, 0))
    position = data_position or {"source": source(cur), "state": iterator_for(cur).get_state()}
    try:
      ckpt.save(step, state, data_state=position,
                meta={"step": step, "stage": cur.name, "config": ckpt_lib.config_json(config)})
      failed_save = None
    except Exception as e:        # orbax raises its own types for I/O failures too
      failed_save = (step, ckpt_lib.first_line(e))
      print(f"warning: checkpoint at step {step} failed ({failed_save[1]}); the state stays in memory, "
            f"training continues and the next checkpoint retries. Newest good checkpoint: "
            f"{ckpt.latest_step()}.", file=sys.stderr, flush=True)

  def halt(bad_step, metrics, data_position):
    """nan_policy=halt: the state is frozen at the last good step; save it and stop with one line."""
    save(bad_step, data_position)
    ckpt.wait()
    groups = ", ".join(nonfinite_names(int(metrics["nonfinite_groups"]))) or "loss"
    raise FloatingPointError(
        f"non-finite {groups} at step {bad_step + 1} (stage {curriculum.stage_at(stages, bad_step).name}, "
        f"loss {float(metrics['loss']):.4g}); the last good state (step {bad_step}) is in {ckpt.directory}. "
        f"Lower the learning rate or fix the data, or set --config.nan_policy=skip.")

  if data_state and start < config.total_steps and data_state["source"] == source(stage):
    iterator_for(stage).set_state(data_state["state"])
  end = config.total_steps if stop_at is None else min(stop_at, config.total_steps)
  pending = None                     # halt policy: (step, metrics, data position) checked one step late
  completed = False
  try:
    with preemption.PreemptionGuard(config.checkpoint.preemption_check_every) as guard:
      for step in range(start, end):
        stage = curriculum.stage_at(stages, step)
        settings = curriculum.step_settings(stages, step)
        first_call = settings not in compiled
        if first_call:
          compiled[settings] = make_train_step(
              model, optimizer, config.flow, settings, config.total_steps, config.ema_decay, lr_schedule,
              state_shardings=state_shardings, batch_sharding=batch_sharding,
              metrics_sharding=sharding_lib.replicated(mesh), group_multiple=group_multiple,
              nan_policy=config.nan_policy)
        position = ({"source": source(stage), "state": iterator_for(stage).get_state()}
                    if halt_on_nonfinite else None)
        batch = sharding_lib.global_batch(next(iterator_for(stage)), mesh, config.sharding)
        began = time.perf_counter()
        state, metrics = compiled[settings](state, batch)
        if first_call:                # the call compiled its program before dispatching it
          window.exclude(time.perf_counter() - began)
        if sync_every_step:
          jax.block_until_ready(metrics)
        if pending is not None and newly_bad(pending[1]):     # waits for the previous step only
          halt(*pending)
        pending = (step, metrics, position) if halt_on_nonfinite else None
        window.add(metrics)
        done = step + 1
        if done % config.log_every == 0 or done == config.total_steps or done == stage.end:
          metrics, rate = window.summary()
          if halt_on_nonfinite and newly_bad(metrics):
            halt(*pending)
          batch_size = batch["x"].shape[0]                      # global batch
          metrics.update(steps_per_s=rate, samples_per_s=rate * batch_size,
                         tokens_per_s=rate * batch_size * tokens_per_example)
          writer.write(done, metrics)
          if jax.process_index() == 0:
            print(progress_line(done, config.total_steps, stage.name, metrics, rate), flush=True)
            if metrics["nonfinite_steps"] > skipped_reported:
              skipped_reported = int(metrics["nonfinite_steps"])
              groups = ", ".join(nonfinite_names(int(metrics["nonfinite_groups"])))
              print(f"warning: {skipped_reported} update(s) skipped so far for a non-finite loss or gradient "
                    f"(latest: {groups}); nan_policy=skip.", file=sys.stderr, flush=True)
          last_metrics = metrics
          window.reset()
        if done == stage.end or done % config.checkpoint.every_steps == 0 or done == end:
          if pending is not None and newly_bad(pending[1]):   # never save a frozen state
            halt(*pending)
          save(done)
        if guard.should_stop(done):
          if pending is not None and newly_bad(pending[1]):
            halt(*pending)
          save(done)
          ckpt.wait()
          last_metrics = {**last_metrics, "preempted": guard.signal_name}
          print(f"{guard.signal_name}: stopped after step {done}; checkpoint in {ckpt.directory}. Rerun the "
                f"same command to resume.", flush=True)
          break
        if config.sample_every and (done % config.sample_every == 0 or done == config.total_steps):
          began = time.perf_counter()
          cond = sample_conditions(config, model, config.num_samples)
          latents = periodic_sampler(state.ema_params, cond, jax.random.PRNGKey(config.seed + 1))
          decoder = decoder or autoencoder_for(config)
          videos = decoder.decode(latents)
          paths = write_samples(workdir, f"step_{done:06d}", videos, columns=config.get("sample_columns"))
          if paths:
            print(f"  samples ({config.flow.inference_steps}-step, EMA): {paths[0]}", flush=True)
          window.exclude(time.perf_counter() - began)
        if diagnostics_every and done % diagnostics_every == 0:
          began = time.perf_counter()
          diag = diagnose(state.params, batch["x"], batch_condition(batch), jax.random.PRNGKey(done))
          writer.write(done, {f"diag/{k}": v for k, v in diag.items()})
          window.exclude(time.perf_counter() - began)
    completed = True
  finally:
    # Every exit path (an error or a second Ctrl-C included) lets the write in flight finish: a stage
    # boundary's checkpoint is never abandoned, and nothing is left to Orbax at interpreter shutdown.
    error = ckpt.finish()
    ckpt.close()
    writer.close()
    if error and not completed and jax.process_index() == 0:
      print(f"warning: checkpoint at step {error[0]} failed ({error[1]}).", file=sys.stderr, flush=True)
  if error:
    failed_save = error
  if failed_save is not None:
    raise OSError(f"the checkpoint write of step {failed_save[0]} failed ({failed_save[1]}); the newest good "
                  f"checkpoint in {ckpt.directory} is step {ckpt.latest_step()}. Free space and rerun to "
                  f"resume from it.")
  if config.eval.score_at_end and int(state.step) == config.total_steps and "preempted" not in last_metrics:
    last_metrics = {**last_metrics, **score_at_end(config, model, example_shape, state, mesh, workdir)}
  return last_metrics


def score_at_end(config, model, example_shape, state, mesh, workdir) -> dict:
  """The run tells the user how it did (the demo's last line): `config.eval.score_at_end` few-step
  samples of the EMA weights, every class in turn, recognised by the in-repo Moving MNIST
  classifier, beside its accuracy on as many real held-out clips. Report: <workdir>/score_stepN.json.
  Other data (records, text models) has no classifier here: one line says the score is skipped."""
  if config.data.source != "moving_mnist" or not model.num_classes:
    if jax.process_index() == 0:
      print("eval.score_at_end: skipped, the in-repo classifier scores only class-conditional Moving MNIST "
            "samples; use --mode=eval (FVD with config.eval.use_i3d).", flush=True)
    return {}
  report = sample_metrics(config, model, example_shape, state, mesh, workdir,
                          num_samples=config.eval.score_at_end, use_i3d=False)
  if jax.process_index() != 0:
    return {}
  path = os.path.join(workdir, f"score_step{int(state.step):06d}.json")
  with open(path, "w") as f:
    json.dump(report, f, indent=1)
  per_digit = " ".join(f"{c}:{v:.0%}" for c, v in report["class_accuracy_per_class"].items())
  accuracy, real = report["class_accuracy"], report["class_accuracy_real"]
  print(f"{config.flow.inference_steps}-step samples: {accuracy:.0%} of {report['num_samples']} recognised "
        f"as their digit by the in-repo classifier (real clips {real:.0%}); per digit {per_digit}. "
        f"Report: {path}", flush=True)
  return {"final_class_accuracy": report["class_accuracy"]}


# ------------------------------------------------------------------------------------------------
# Sample and eval: read a checkpoint, never write one.
# ------------------------------------------------------------------------------------------------
def restore_for_inference(config, workdir, step=None):
  model, stages, example_shape, optimizer, _ = build(config)
  mesh = sharding_lib.make_mesh(config.mesh)
  if not os.path.isdir(os.path.join(workdir, "checkpoints")):
    raise FileNotFoundError(f"no checkpoint under {workdir}/checkpoints; run --mode=train first or fix "
                            f"--workdir.")
  ckpt = checkpointer(config, workdir, stages, mesh, read_only=True)
  if ckpt.latest_step() is None:
    raise FileNotFoundError(f"no checkpoint under {ckpt.directory}; run --mode=train first or fix --workdir.")
  # Restored straight into this run's layout: a checkpoint written on another mesh or process
  # count is resharded by Orbax on read. The model fields must match the checkpoint's (as on resume).
  state, _, meta = ckpt.restore(fresh_state(config, model, optimizer, example_shape, mesh)[0], step,
                                config_json=ckpt_lib.config_json(config))
  ckpt.close()
  return model, example_shape, state, meta, mesh


def sample(config, workdir, *, step=None, num=None, steps=None, guidance=None, seed=0, class_id=None,
           prompt=None, output=None, sampler=None, use_ema=True) -> list[str]:
  model, example_shape, state, meta, mesh = restore_for_inference(config, workdir, step)
  num = num or config.num_samples
  if prompt is not None:
    if model.num_classes:
      raise ValueError("--prompt is for text models; use --class_id with a class-conditional model.")
    text, mask = text_encoders.from_config(config).encode([prompt] * num)
    prompt_batch = {"text": text, "text_mask": mask}
  else:
    prompt_batch = None
  if class_id is not None and not 0 <= class_id <= model.num_classes:
    raise ValueError(f"--class_id={class_id} outside [0, {model.num_classes}] ({model.num_classes} = null).")
  cond = sample_conditions(config, model, num, class_id=class_id, prompt_batch=prompt_batch)
  params = state.ema_params if use_ema else state.params
  latents = make_sampler(model, config.flow, example_shape, steps=steps, sampler=sampler,
                         guidance=guidance, mesh=mesh)(params, cond, jax.random.PRNGKey(seed))
  videos = autoencoder_for(config).decode(latents)
  name = output or f"sample_step{int(state.step):06d}_n{steps or config.flow.inference_steps}_seed{seed}"
  if os.path.isabs(name) or os.path.dirname(name):
    return video_io.write_videos(name, np.asarray(videos), columns=config.get("sample_columns"))
  return write_samples(workdir, name, videos, columns=config.get("sample_columns"))


def evaluate(config, workdir, *, step=None, num_batches: int = 4, output: str | None = None) -> dict:
  """The JSON eval report of a checkpoint (EMA weights): held-out objective + sample metrics.

  Sample metrics (eflow_jax/metrics/): `config.eval.num_samples` clips from the configured sampler
  against as many held-out real clips: sharpness; on Moving MNIST the in-repo classifier's Fréchet
  distance and class accuracy (classifier trained once, cached in <workdir>/metrics/); with
  `config.eval.use_i3d` FVD on Kinetics-400 I3D logits (reference statistics cached per protocol).
  """
  model, example_shape, state, meta, mesh = restore_for_inference(config, workdir, step)
  report = {"step": int(state.step), "weights": "ema",
            "objective": held_out_objective(config, model, state, mesh, num_batches),
            "guidance_diagnostics": held_out_diagnostics(config, model, state, mesh, num_batches)}
  report.update(sample_metrics(config, model, example_shape, state, mesh, workdir))
  if jax.process_index() == 0:
    path = output or os.path.join(workdir, f"eval_step{int(state.step):06d}.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
      json.dump(report, f, indent=1)
    shown = {k: v for k, v in report.items() if k != "protocol"}
    print(f"eval (EMA weights) -> {path}: {shown}", flush=True)
  return report


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
                                    batch_size=config.data.batch_size), jax.random.PRNGKey(i))


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


def sample_metrics(config, model, example_shape, state, mesh, workdir, *, num_samples: int | None = None,
                   use_i3d: bool | None = None) -> dict:
  """Generates `num_samples` (default config.eval.num_samples) clips and scores them against as many
  held-out real clips; FVD when `use_i3d` (default config.eval.use_i3d)."""
  from eflow_jax.metrics import classifier as mnist_classifier
  from eflow_jax.metrics import fvd as fvd_lib
  from eflow_jax.metrics import report as video_report

  ev, kind = config.eval.copy_and_resolve_references(), model_kind(config)
  ev.num_samples = ev.num_samples if num_samples is None else int(num_samples)
  ev.use_i3d = ev.use_i3d if use_i3d is None else bool(use_i3d)
  sample_seed, real_seed = config.seed + 1000, config.seed + 2000
  cond = sample_conditions(config, model, ev.num_samples)
  latents = make_sampler(model, config.flow, example_shape, mesh=mesh)(
      state.ema_params, cond, jax.random.PRNGKey(sample_seed))
  decoder = autoencoder_for(config)
  decode = lambda x: np.clip(np.asarray(decoder.decode(jnp.asarray(x))), -1.0, 1.0)
  samples = decode(latents)
  real = pipeline.make_eval_batch(config.data, model_kind=kind, seed=real_seed, batch_size=ev.num_samples)
  if jax.process_index() != 0:
    return {}
  classifier, classifier_meta = None, None
  if config.data.source == "moving_mnist" and model.num_classes:
    classifier, classifier_meta = mnist_classifier.load_or_train_classifier(
        ev.classifier_path or os.path.join(workdir, "metrics", "classifier.npz"), config.data,
        steps=ev.classifier_steps)
  i3d_stats, i3d_cache_dir = None, None
  if ev.use_i3d:
    proto = fvd_lib.protocol(dataset=f"{config.data.source}/heldout", clip_frames=samples.shape[1],
                             num_clips=ev.i3d_clips, seed=config.seed + 3000)
    real_batches = ({"x": decode(pipeline.make_eval_batch(config.data, model_kind=kind, seed=config.seed + 3000 + i,
                                                          batch_size=16)["x"])} for i in itertools.count())
    reference_path = ev.i3d_reference_path or os.path.join(workdir, "metrics", "i3d_reference.npz")
    i3d_stats = fvd_lib.reference_statistics(real_batches, reference_path, proto=proto)
    i3d_cache_dir = os.path.dirname(reference_path)      # the real clips' I3D features live beside it
  sampler = config.flow.sampler
  nfe = config.flow.inference_steps * (2 if sampler == "euler_cfg" else 1)
  report = video_report.evaluate_videos(
      samples, np.asarray(cond["y"]) if "y" in cond else None, real_videos=decode(real["x"]),
      real_labels=real.get("y"), classifier_params=classifier, real_i3d_stats=i3d_stats, use_i3d=ev.use_i3d,
      i3d_cache_dir=i3d_cache_dir,
      protocol={"sample_seed": sample_seed, "real_seed": real_seed, "sampler": sampler,
                "sampler_steps": int(config.flow.inference_steps), "nfe": nfe, "guidance": config.flow.w_inf})
  if classifier_meta:
    report["classifier"] = {k: classifier_meta[k] for k in ("steps", "heldout_clips", "heldout_accuracy")}
  return report
