"""The training loop: config -> data -> model -> objective -> train step -> checkpoints, metrics,
samples, and the line the run ends with (`score_at_end`). Its parts live beside it: run_setup.py
(model, mesh, state), curriculum.py (the stages and the data each reads), step.py (state and step),
fault_tolerance.py (resume, saving, preemption, nan_policy), progress.py (metrics, profiling, the
step's FLOPs), evaluate.py (samples and scores; the sample and eval modes), validate.py (checks).
"""
import os
import sys
import time

from absl import logging
import jax
import numpy as np

from eflow_jax import sample_limits
from eflow_jax import sharding as sharding_lib
from eflow_jax.atomic_io import write_json_atomically
from eflow_jax import user_paths
from eflow_jax import weights_digest
from eflow_jax import workdir as workdir_lib
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.data import pipeline as data_pipeline
from eflow_jax.data import records
from eflow_jax.pipeline import check_float32_default
from eflow_jax.trained_data_checks import saved_description
from eflow_jax.train import curriculum
from eflow_jax.train.evaluate import InLoopEvaluation, sample_metrics
from eflow_jax.train.fault_tolerance import (CheckpointPolicy, NanWatch, PreemptionGuard, check_same_kind_of_set,
                                             how_to_resume, resume)
from eflow_jax.train.parameters_file import write_parameter_overview
from eflow_jax.train.progress import (LogWindow, MetricWriter, Profiler, progress_line, set_aside_metrics_after,
                                      step_flops)
from eflow_jax.train.run_setup import build, checkpointer, fresh_state, make_run_mesh, model_kind
from eflow_jax.train.step import make_train_step
from eflow_jax.train.training_grids import check_grids_can_be_set_aside, set_aside_grids_after
from eflow_jax.train.validate import config_warnings


def train(config, workdir: str, *, stop_at: int | None = None, allow_resume_changes=(),
          resume_from_step: int | None = None) -> dict:
  """Trains (resuming from `workdir` when it holds checkpoints); returns the last logged metrics.

  stop_at: end this invocation after that step with a checkpoint, as a preemption would (tests).
  SIGTERM / SIGINT / SIGUSR1 / SIGHUP do the same at the next step boundary; the returned dict then has
  "preempted": the signal's name. A non-finite step follows config.nan_policy (train/fault_tolerance.py).
  allow_resume_changes: data-order fields (`seed`, `data.batch_size`, ...) a resume may change
  (`--allow_resume_change`); any other difference from the checkpoint's config is refused.
  resume_from_step: resume from that checkpoint instead of the newest (`--resume_from_step`; the
  newer ones are set aside as `<step>.superseded`), e.g. from before a halted run's last good step.
  """
  check_float32_default(f"--workdir={workdir}")   # float64 checkpoints: no reader takes them
  if resume_from_step is not None and resume_from_step >= config.total_steps:   # would only roll the run back
    raise ValueError(f"--resume_from_step={resume_from_step} with total_steps={config.total_steps}: nothing would be "
                     f"trained after it; raise --config.total_steps (sample, eval and export take --step).")
  workdir_lib.check_not_export(workdir)
  user_paths.check_outside_checkpoints("--workdir", workdir)   # pruning another run's step would delete this run
  _check_resumed_set(config, workdir, resume_from_step)
  if resume_from_step is not None and jax.process_index() == 0:
    check_grids_can_be_set_aside(workdir, resume_from_step)
  build_result = build(config)              # every config / data error, before anything compiles
  _check_training_grids(config, build_result[2])
  workdir_lib.check_writable(workdir)
  workdir_lib.check_run_folders(workdir)
  workdir_lib.check_run_files_are_its_own(workdir)
  workdir_lib.check_run_file_links(workdir)
  if config.eval.score_at_end or config.get("eval_every"):     # what the run's scoring will read
    in_loop_i3d = bool(config.get("eval_every")) and config.eval.use_i3d     # score_at_end: never I3D
    workdir_lib.check_metric_caches(config, workdir, use_i3d=in_loop_i3d)
  if jax.process_index() == 0:
    for line in config_warnings(config):
      print(f"warning: {line}", file=sys.stderr, flush=True)
  lock = workdir_lib.lock(workdir)   # before the Checkpointer, which cleans stale temp directories
  try:
    return _train_locked(config, workdir, build_result, stop_at, tuple(allow_resume_changes), resume_from_step)
  finally:
    if lock is not None:
      lock.release()


def _check_training_grids(config, example_shape) -> None:
  """The sample grids training writes (every config.sample_every steps or sample_every_minutes, and at
  the end) against the free RAM and MP4's frame size, before the first step: 5000 clips were refused
  only at the first grid, after the steps before it, whose checkpoint was not yet saved."""
  if config.sample_every or config.get("sample_every_minutes", 0.0):
    manifest = data_pipeline.record_manifest(config.data)
    sample_limits.check_sample_mode("training's sample grids", config.num_samples, config, example_shape, manifest,
                                    setting="num_samples")


def _check_resumed_set(config, workdir: str, step: int | None) -> None:
  """A resume onto a new data.path (--allow_resume_change=data.path) compares that set with the one
  the checkpoint trained on before `build` compares text_encoder.path with it (train/validate.py):
  captions another encoder embedded are the set's mismatch, not the run's own encoder's."""
  if (config.data.source == "array_record" and os.path.isdir(os.path.join(workdir, "checkpoints"))
      and os.path.isfile(os.path.join(config.data.path or "", records.MANIFEST))):
    saved = saved_description(workdir, step)
    if saved:
      check_same_kind_of_set(saved.get("data_manifest"), config, saved.get("step", step))


def _train_locked(config, workdir, build_result, stop_at, allow_resume_changes, resume_from_step) -> dict:
  model, stages, example_shape, optimizer, lr_schedule = build_result
  mesh, state, state_shardings, data, saver = _state_data_and_checkpoints(
      config, workdir, build_result, allow_resume_changes, resume_from_step)
  ckpt, start = saver.ckpt, int(state.step)
  end = config.total_steps if stop_at is None else min(stop_at, config.total_steps)

  # ---- The step programs, the metrics, the work done besides training. ---------------------------
  step_program = _step_programs(config, model, optimizer, lr_schedule, mesh, state_shardings, example_shape)
  writer, window = MetricWriter(workdir, config.get("use_clu_writers", False), start), LogWindow()
  profiler = Profiler(config.profile, workdir)
  in_loop_eval = InLoopEvaluation(config, model, example_shape, mesh, workdir, writer)
  watch = NanWatch(config.nan_policy, int(state.nonfinite_steps))
  tokens_per_example, last_metrics = int(np.prod([n // p for n, p in zip(example_shape[:3], model.patch)])), {}

  # ---- Train. ------------------------------------------------------------------------------------
  completed = False
  try:
    with PreemptionGuard(config.checkpoint.preemption_check_every) as guard:
      for step in range(start, end):
        stage, began = curriculum.stage_at(stages, step), time.perf_counter()
        program, compiles = step_program(curriculum.step_settings(stages, step))
        position = data.position(stage) if watch.halts else None
        batch = sharding_lib.global_batch(data.next_batch(stage), mesh, config.sharding)
        profiler.before_step(step)
        state, metrics = program(state, batch)
        profiler.after_step(step, metrics)
        if compiles:                  # counting its FLOPs and compiling it: not training time
          window.exclude(time.perf_counter() - began)
        saver.halt_if_nonfinite(watch, state)   # the previous step's flag: waits for that step only
        watch.record(step, metrics, position)
        window.add(metrics)
        done = step + 1
        if done % config.log_every == 0 or done == config.total_steps or done == stage.end:
          saver.halt_if_nonfinite(watch, state)
          last_metrics = _log(done, config, stage.name, window, writer, watch, batch["x"].shape[0],
                              tokens_per_example, step_program.flops.get(curriculum.step_settings(stages, step)))
        if saver.due(done, stage, end):
          saver.halt_if_nonfinite(watch, state)   # never save a frozen state
          saver.save(done, state)
        if guard.should_stop(done):
          saver.halt_if_nonfinite(watch, state)
          saver.save(done, state)
          saver.wait()
          print(f"{guard.signal_name}: stopped after step {done}; checkpoint in {ckpt.directory}; "
                f"{how_to_resume(resume_from_step)}.", flush=True)
          last_metrics = {**last_metrics, "preempted": guard.signal_name}
          break
        window.exclude(in_loop_eval.after_step(done, state, batch))
    completed = True
  finally:
    profiler.stop()
    saver.close(completed)
    writer.close()
  saver.raise_if_failed()
  watch.closing_warning(start, state)
  if config.eval.score_at_end and int(state.step) == config.total_steps and "preempted" not in last_metrics:
    last_metrics = {**last_metrics, **score_at_end(config, model, example_shape, state, mesh, workdir,
                                                   in_loop_eval.last_grid_path)}
  return last_metrics


def _state_data_and_checkpoints(config, workdir, build_result, allow_resume_changes, resume_from_step=None):
  """The mesh, the state in its sharded layout (the newest checkpoint's, or fresh), the data
  positioned where that checkpoint left it, and the run's checkpoint policy."""
  model, stages, example_shape, optimizer, _ = build_result
  mesh = make_run_mesh(config, stages)
  ckpt = checkpointer(config, workdir, stages, mesh)   # first: it cleans stale temporary directories
  state, state_shardings = fresh_state(config, model, optimizer, example_shape, mesh)
  workdir_lib.check_free_space(workdir, state)
  layout = sharding_lib.describe(state_shardings.params, state.params)
  logging.info("mesh %s; params: %d of %d leaves sharded, %d of %d elements per device", dict(mesh.shape),
               layout["sharded_leaves"], layout["leaves"], layout["elements_per_device"], layout["elements"])
  if mesh.size > 1 and jax.process_index() == 0:     # shows that --config.mesh.* took effect
    print(f"mesh {dict(mesh.shape)} over {mesh.size} devices", flush=True)
  data = curriculum.StageData(config, model_kind(config), mesh)
  state, data_position = resume(ckpt, state, state_shardings, config, allow_resume_changes, resume_from_step)
  write_parameter_overview(workdir, jax.eval_shape(lambda p: p, state.params))    # once the checkpoint fits
  set_aside_metrics_after(workdir, int(state.step))     # the steps after it are trained again
  set_aside_grids_after(workdir, int(state.step))
  if int(state.step) > config.total_steps and jax.process_index() == 0:
    print(f"warning: the run is at step {int(state.step)}, past total_steps={config.total_steps}: nothing is trained "
          f"(a run is not shortened; --resume_from_step=N with N < {config.total_steps} trains from checkpoint N).",
          file=sys.stderr, flush=True)
  if int(state.step) < config.total_steps:
    data.restore(data_position, curriculum.stage_at(stages, int(state.step)))
  return mesh, state, state_shardings, data, CheckpointPolicy(ckpt, config, stages, data)


def _step_programs(config, model, optimizer, lr_schedule, mesh, state_shardings, example_shape):
  """settings -> (the jitted train step of that curriculum setting, whether this call builds it)."""
  programs = {}
  group_multiple = sharding_lib.data_parallel_size(mesh) if config.sharding.align_groups else 1
  if sharding_lib.context_size(mesh) > 1:      # each clip's frames split over mesh.context
    model = model.clone(context_mesh=mesh)
  # gloo (multi-process CPU) deadlocks on queued steps with >1 local device: block every step.
  sync_every_step = jax.process_count() > 1 and jax.default_backend() == "cpu"

  def synced(step_fn):
    def run(state, batch):
      state, metrics = step_fn(state, batch)
      return state, jax.block_until_ready(metrics)
    return run

  def program(settings):
    new = settings not in programs
    if new and config.get("log_flops", False):          # per example: stages may change the batch
      flops = step_flops(config, VideoDiT, optimizer, lr_schedule, settings, example_shape,
                         config.data.batch_size)
      program.flops[settings] = flops / config.data.batch_size if flops else None
    if new:
      programs[settings] = make_train_step(
          model, optimizer, config.flow, settings, config.total_steps, config.ema_decay, lr_schedule,
          state_shardings=state_shardings, batch_sharding=sharding_lib.batch_sharding(mesh, config.sharding, 1),
          metrics_sharding=sharding_lib.replicated(mesh), group_multiple=group_multiple,
          nan_policy=config.nan_policy, grad_accum_steps=config.get("grad_accum_steps", 1))
      if sync_every_step:
        programs[settings] = synced(programs[settings])
    return programs[settings], new
  program.flops = {}               # settings -> FLOPs per example of one step (config.log_flops), or None
  return program


def _log(done, config, stage_name, window, writer, watch, batch_size, tokens_per_example, flops) -> dict:
  """One progress line: the window's mean metrics and rates, to the writer and (process 0) stdout.
  With the step's FLOPs (config.log_flops): TFLOP/s per device, and MFU against
  config.peak_tflops_per_device when that is set. tokens_per_s counts every patch token of the
  clips, also in a token-dropped stage, so that rates compare across stages as clips do."""
  metrics, rate = window.summary()
  metrics.update(steps_per_s=rate, samples_per_s=rate * batch_size, tokens_per_s=rate * batch_size *
                 tokens_per_example)
  if flops:                        # per example
    metrics["tflops_per_s_per_device"] = flops * batch_size * rate / 1e12 / jax.device_count()
    if config.get("peak_tflops_per_device", 0):
      metrics["mfu"] = metrics["tflops_per_s_per_device"] / config.peak_tflops_per_device
  writer.write(done, metrics)
  if jax.process_index() == 0:
    print(progress_line(done, config.total_steps, stage_name, metrics, rate), flush=True)
    warning = watch.skip_warning(metrics)
    if warning:
      print(warning, file=sys.stderr, flush=True)
  window.reset()
  return metrics


def score_at_end(config, model, example_shape, state, mesh, workdir, grid_path: str | None = None) -> dict:
  """The run tells the user how it did (the demo's last line): `config.eval.score_at_end` few-step
  samples of the EMA weights, scored beside as many real held-out clips. Class models: every class in
  turn; the line gives the clips whose frames mostly read as their digit (metrics/frame_judge.py). Text
  models: the held-out captions, scored for prompt following (digit, direction, both).
  Report: <workdir>/score_stepN.json. Other data (records) has no classifier here: one line says
  the score is skipped."""
  if config.data.source != "moving_mnist":
    if jax.process_index() == 0:
      print("eval.score_at_end: skipped, the in-repo classifier scores only Moving MNIST samples; use "
            "--mode=eval (FVD with config.eval.use_i3d).", flush=True)
    return {}
  report = sample_metrics(config, model, example_shape, state, mesh, workdir,
                          num_samples=config.eval.score_at_end, use_i3d=False)
  # Every process joins the checksum program; the model card keeps the report for these weights only.
  digest = weights_digest.ema_digest(state.ema_params, sharding_lib.replicated(mesh))
  if jax.process_index() != 0:
    return {}
  path = os.path.join(workdir, f"score_step{int(state.step):06d}.json")
  weights_digest.set_aside_report_of_other_weights(path, digest)    # a step trained again: keep the old score
  write_json_atomically(path, {**report, weights_digest.KEY: digest})
  steps = config.flow.inference_steps
  if not model.num_classes:
    got, real = report["prompt_following"], report["prompt_following_real"]
    print(f"{steps}-step samples of {got['num_clips']} held-out captions: digit {got['digit_accuracy']:.0%}, "
          f"direction {got['direction_accuracy']:.0%}, both {got['both_accuracy']:.0%} (real clips "
          f"{real['digit_accuracy']:.0%} / {real['direction_accuracy']:.0%} / {real['both_accuracy']:.0%}; "
          f"chance {got['digit_chance']:.0%} / {got['direction_chance']:.0%}). Report: {path}", flush=True)
    return {"final_prompt_following": got["both_accuracy"]}
  grid = f" Final grid: {grid_path}." if grid_path else ""
  if "frame_judge" in report:
    # The headline reads frames as a person does (metrics/frame_judge.py); the clip classifier,
    # which is lenient with fragments, stays in the report.
    got, real = report["frame_judge"], report["frame_judge_real"]
    per_digit = " ".join(f"{c}:{v:.0%}" for c, v in got["per_digit"].items())
    print(f"{steps}-step samples: {got['recognised']:.0%} of {got['num_clips']} read as their digit in most "
          f"frames (real clips {real['recognised']:.0%}); per digit {per_digit}. Report: {path}.{grid}",
          flush=True)
    return {"final_class_accuracy": report["class_accuracy"], "final_frame_judge": got["recognised"]}
  per_digit = " ".join(f"{c}:{v:.0%}" for c, v in report["class_accuracy_per_class"].items())
  accuracy, real = report["class_accuracy"], report["class_accuracy_real"]
  print(f"{steps}-step samples: {accuracy:.0%} of {report['num_samples']} recognised "
        f"as their digit by the in-repo classifier (real clips {real:.0%}); per digit {per_digit}. "
        f"Report: {path}.{grid}", flush=True)
  return {"final_class_accuracy": report["class_accuracy"]}
