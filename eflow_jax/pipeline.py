"""Sampling from a trained model in Python, the way diffusers' pipelines are used:

  pipe = eflow_jax.Pipeline.from_workdir("runs/demo")          # a training run (EMA weights only)
  pipe = eflow_jax.Pipeline.from_pretrained("exported/demo")   # `python -m eflow_jax.tools.export`
  videos = pipe(class_ids=[3, 7], steps=4, guidance=4.0, seed=0)   # uint8 (B, T, H, W, 3)
  videos = pipe(prompts=["digit 3 moving up"], steps=2)           # text models

It holds the EMA parameters, the run's config (model, sampler, data geometry, autoencoder, text
encoder) and one jitted sampler per (steps, sampler, guidance). The noise, the sampler and the
decoder are those of `--mode=sample` (train/evaluate.py), so the same seed gives the same clips.
Single process, default device.
"""
from __future__ import annotations

import json
import os
import sys
from typing import NamedTuple

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from eflow_jax import autoencoders, call_inputs, cli_checks, deleted_record_set, export_digests, root_logger, user_paths
from eflow_jax import checkpoint as ckpt_lib
from eflow_jax import run_lineage, sampling_defaults
from eflow_jax import sample_limits
from eflow_jax import text as text_encoders
from eflow_jax import video_io, weights_file_problem
from eflow_jax.data import fingerprint as data_fingerprint
from eflow_jax.data import pipeline as data_pipeline
from eflow_jax.inference import make_sampler, run_sampler
from eflow_jax.models.init import init_params
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.param_tree import unflatten_params
from eflow_jax.schema.flow import flow_type_problem
from eflow_jax.schema.known_fields import edited_field_problem

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
DESCRIPTION_KEYS = ("config", "example_shape", "step")


class CorruptExportError(OSError):
  """An export's files are not what its config.json describes: unreadable, truncated, with missing,
  extra or misshapen tensors, or with bits that differ from the checksums written with them."""


def run_description(config, example_shape, step: int, manifest=None, checksums: dict | None = None,
                    source_run: str | None = None) -> dict:
  """What config.json of an export holds: the resolved run config, the example shape the network
  was trained on, the step, the record set's manifest (it names the autoencoder), the checksums
  of the weights (`weight_checksums`) and the run directory it was exported from (a re-export may
  replace only its own run's export)."""
  description = {"config": ckpt_lib.config_json(config), "example_shape": list(example_shape), "step": int(step),
                 "manifest": manifest}
  if checksums is not None:      # with them, digests of the fields sampling reads (export_digests.py)
    description["checksums"] = {**checksums, **export_digests.digests(description)}
  if source_run is not None:
    description["source_run"] = source_run
  return description


def is_description(description) -> bool:
  """Whether a parsed config.json is an export's (`run_description`), not another program's."""
  return (isinstance(description, dict) and all(key in description for key in DESCRIPTION_KEYS) and
          isinstance(description["config"], dict) and "model" in description["config"])


def read_description(path: str) -> dict:
  """An export's config.json, checked: CorruptExportError (one line naming the file) if it is not JSON, lacks
  a field (an export cut short, another program's config.json) or holds a flow value of another type."""
  try:
    with open(path) as f:
      description = json.load(f)
  except (ValueError, UnicodeDecodeError) as e:
    raise CorruptExportError(f"{path} is not a readable export description ({ckpt_lib.first_line(e)}); export the "
                             f"run again.") from None
  if not isinstance(description, dict):
    raise CorruptExportError(f"{path} is not an eflow_jax export description; export the run again.")
  missing = [key for key in DESCRIPTION_KEYS if key not in description]
  if missing:
    raise CorruptExportError(f"{path} lacks {', '.join(map(repr, missing))}: not a complete export description; "
                             f"export the run again.")
  shape = description["example_shape"]
  if not (isinstance(shape, list) and len(shape) == 4 and all(isinstance(n, int) and n >= 1 for n in shape)):
    raise CorruptExportError(f"{path}: example_shape={shape!r} is not four positive sizes (T, H, W, C); export the "
                             f"run again.")
  problem = "its 'config' holds no model" if not is_description(description) else flow_type_problem(description)
  if problem:
    raise CorruptExportError(f"{path}: {problem}; export the run again, or give the value its type.")
  if edited_field_problem(description):
    raise CorruptExportError(f"{path}: {edited_field_problem(description)}")
  problem = sampling_defaults.problem(description["config"].get("flow") or {})
  if problem:                # the flow section is outside the digests: an edit by hand is checked here
    raise CorruptExportError(f"{path}: {problem} Fix the value, or export the run again.")
  return description


def weight_checksums(flat_params: dict) -> dict:
  """An export's checksums of its tensors, per '/'-joined name: the checkpoints' algorithm (checkpoint.py)."""
  return {"algorithm": ckpt_lib.CHECKSUM_ALGORITHM, "leaves": ckpt_lib.state_checksums(flat_params)}


def expected_tensors(config, example_shape) -> dict:
  """{'/'-joined name: (shape, dtype name)} of the config's model's parameters, by jax.eval_shape (nothing computed)."""
  model = VideoDiT.from_config(config.model)
  shapes = jax.eval_shape(lambda: init_params(model, jax.random.PRNGKey(0), tuple(example_shape),
                                              config.data.get("text_length", 1)))
  return {name: (tuple(leaf.shape), np.dtype(leaf.dtype).name)
          for name, leaf in _named_leaves(shapes).items()}


def _named_leaves(tree) -> dict:
  """{'/'-joined name: leaf} of a pytree (param_tree.flatten_params' names, the leaves as they are)."""
  return {jax.tree_util.keystr(path, simple=True, separator="/"): leaf
          for path, leaf in jax.tree_util.tree_flatten_with_path(tree)[0]}


def tensors_mismatch(found: dict, expected: dict) -> str | None:
  """The first tensor missing, extra, or of another shape / dtype than the model's, else None."""
  for name in sorted(set(found) | set(expected)):
    if name not in found:
      return f"tensor {name!r} is missing (the model has {len(expected)} tensors, the file {len(found)})"
    if name not in expected:
      return f"tensor {name!r} is not a parameter of the model in config.json"
    got = (tuple(found[name].shape), np.dtype(found[name].dtype).name)
    if got != expected[name]:
      return f"tensor {name!r} is {got[0]} {got[1]}, the model expects {expected[name][0]} {expected[name][1]}"
  return None


class Pipeline:
  """A trained model ready to sample; see the module docstring."""

  def __init__(self, config: ml_collections.ConfigDict, params, example_shape, *, step: int = 0,
               manifest: dict | None = None, source: str = "Pipeline"):
    self.config, self.params, self.step = config, params, int(step)
    self.model = VideoDiT.from_config(config.model)
    self.example_shape = tuple(int(n) for n in example_shape)
    self.manifest = manifest
    self.source = source              # where the weights came from, for messages
    # The rate the clips play at (the training clips', measured by prepare_data), for writing them.
    self.fps = (manifest or {}).get("fps") or video_io.DEFAULT_FPS
    self._decoder, self._text_encoder = None, None
    self._built_in = os.getpid()       # a child forked from this process cannot sample with it (call_inputs.py)

  # ---- Loading. ----------------------------------------------------------------------------------
  @classmethod
  @root_logger.as_found()
  def from_workdir(cls, workdir: str, step: int | None = None, config=None) -> "Pipeline":
    """A checkpoint's EMA weights (default: the newest), with its config or `config` (another autoencoder...)."""
    check_folder_name("Pipeline.from_workdir", workdir)
    workdir = user_paths.resolve_dotdot(user_paths.expand_home(os.fspath(workdir)))   # `~/run`, `lnk/../run`: as a shell
    call_inputs.check_config("Pipeline.from_workdir", config)
    if step is not None:
      cli_checks.check_integer("step", step, 0)    # 12.0 or '12' would read as a corrupt or missing step
    directory = os.path.join(workdir, "checkpoints")
    if not os.path.isdir(directory) and is_export(workdir):
      raise FileNotFoundError(f"{workdir} is an export, not a training run: load it with "
                              f"Pipeline.from_pretrained({workdir!r}).")
    if not os.path.isdir(directory):
      raise FileNotFoundError(f"no checkpoint under {workdir}/checkpoints; train first or fix the path.")
    ckpt = ckpt_lib.Checkpointer(directory, read_only=True)
    try:
      params, step, meta = ckpt.restore_ema_params(step)
      run_lineage.check_one_run(ckpt, step, meta)          # not a step copied in from another run
    finally:
      ckpt.close()
    given = config is not None
    config = config if given else ml_collections.ConfigDict(meta["config"])
    deleted_record_set.stands_in(config, meta)
    data_fingerprint.check_for_inference(meta, config.data, f"checkpoint {step} in {directory}")
    if given:
      mismatch = ckpt_lib.model_config_mismatch(meta.get("config", {}), ckpt_lib.config_json(config))
      if mismatch:
        raise ValueError(f"the checkpoint in {directory} is from another model ({mismatch}).")
      trained = trained_example_shape(meta)
      if trained is not None:
        check_example_shape(f"the checkpoint in {directory}", trained, data_pipeline.example_shape(config.data))
    manifest = data_pipeline.record_manifest(config.data)
    return cls(config, params, data_pipeline.example_shape(config.data), step=step, manifest=manifest,
               source=f"{directory} step {step}")

  @classmethod
  @root_logger.as_found()
  def from_pretrained(cls, directory: str) -> "Pipeline":
    """An export of `python -m eflow_jax.tools.export`: model.safetensors + config.json, checked
    before anything runs: config.json complete, every tensor present with the shape of the model's
    abstract init, and its bits equal to the checksums config.json carries (CorruptExportError, one
    line naming the file and the tensor). An export written before checksums loads with a warning."""
    from safetensors.numpy import load_file
    check_folder_name("Pipeline.from_pretrained", directory)
    directory = user_paths.expand_home(os.fspath(directory))      # `~/exp`, as the command line reads it
    check_float32_default(f"Pipeline.from_pretrained({str(directory)!r})")
    paths = [os.path.join(directory, name) for name in (CONFIG_FILE, WEIGHTS_FILE)]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing and os.path.isdir(os.path.join(directory, "checkpoints")):
      raise FileNotFoundError(f"{directory} is a training run, not an export: load it with "
                              f"Pipeline.from_workdir({str(directory)!r}).")
    if missing:
      raise FileNotFoundError(f"{', '.join(missing)} not found: {directory} is not an eflow_jax export "
                              f"({call_inputs.export_hint(directory)}).")
    description = read_description(paths[0])
    config = ml_collections.ConfigDict(description["config"])
    try:
      expected = expected_tensors(config, description["example_shape"])
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError) as e:   # a damaged model / data section
      raise CorruptExportError(f"{paths[0]}: its model cannot be built ({ckpt_lib.first_line(e)}); export the run "
                               f"again.") from None
    try:
      flat = load_file(paths[1])
    except Exception as e:  # pylint: disable=broad-except   (SafetensorError for truncated or garbled files)
      raise CorruptExportError(weights_file_problem.unreadable_weights(paths[1], ckpt_lib.first_line(e))) from None
    problem = tensors_mismatch(flat, expected)
    if problem:
      raise CorruptExportError(f"{paths[1]}: {problem}; export the run again.")
    checksums = description.get("checksums")
    if checksums:
      if checksums.get("algorithm") != ckpt_lib.CHECKSUM_ALGORITHM:
        raise CorruptExportError(f"{paths[0]}: checksum algorithm {checksums.get('algorithm')!r} is unknown to this "
                                 f"version of eflow_jax.")
      edited = export_digests.edited_problem(paths[0], description)   # its own fields, against their digests
      if edited:
        raise CorruptExportError(edited)
      computed = ckpt_lib.state_checksums(flat)
      bad = [name for name in sorted(flat) if computed[name] != checksums.get("leaves", {}).get(name)]
      if bad:
        raise CorruptExportError(f"{paths[1]}: tensor {bad[0]!r} differs from its checksum in {CONFIG_FILE} "
                                 f"({len(bad)} tensor(s) in all: damaged bits or a partial copy); export the run "
                                 f"again or copy the files again.")
    else:
      print(f"warning: {paths[0]} carries no checksums (an export older than them): the bits of {WEIGHTS_FILE} "
            f"cannot be verified; export the run again to add them.", file=sys.stderr, flush=True)
    return cls(config, unflatten_params(flat), description["example_shape"], step=description["step"],
               manifest=description.get("manifest"), source=directory)

  # ---- Sampling. ---------------------------------------------------------------------------------
  def conditions(self, *, class_ids=None, prompts=None) -> dict:
    """The condition batch: class ids (class models; `num_classes` = unconditional) or prompts."""
    if (class_ids is None) == (prompts is None):
      raise ValueError("give either class_ids (class models) or prompts (text models).")
    if self.model.num_classes:
      if class_ids is None:
        raise ValueError("this is a class-conditional model: give class_ids, not prompts.")
      ids = call_inputs.whole_numbers("class_ids", class_ids)
      sample_limits.check_memory("Pipeline", len(ids), self.config, self.example_shape, manifest=self.manifest)
      bad = [i for i in ids if not 0 <= i <= self.model.num_classes]
      if bad:
        raise ValueError(f"class ids {bad} outside [0, {self.model.num_classes}] ({self.model.num_classes} = "
                         f"unconditional).")
      return {"y": jnp.asarray(ids, jnp.int32)}
    if prompts is None:
      raise ValueError("this is a text model: give prompts, not class_ids.")
    prompts = call_inputs.as_prompts(prompts)
    if not prompts or not all(isinstance(p, str) for p in prompts):
      raise ValueError(f"prompts={prompts!r} must be one or more strings.")
    cli_checks.warn_blank_prompts("Pipeline", prompts)
    sample_limits.check_memory("Pipeline", len(prompts), self.config, self.example_shape, manifest=self.manifest)
    self._text_encoder = self._text_encoder or text_encoders.from_config(self.config, self.manifest)
    text, mask = self._text_encoder.encode(prompts)
    return {"text": jnp.asarray(text), "text_mask": jnp.asarray(mask)}

  def latents(self, cond: dict, *, steps: int | None = None, guidance: float | None = None,
              seed: int = 0, sampler: str | None = None):
    """Sampled latents (B, T, H, W, C) for a condition batch (`conditions`); the arguments are
    checked as the command line checks --sample_steps, --guidance, --seed and --sampler."""
    steps, guidance, seed = (python_scalar(v) for v in (steps, guidance, seed))
    self.check_request(steps=steps, guidance=guidance, seed=seed, sampler=sampler)
    cond = call_inputs.condition_batch(cond, self.model.num_classes, self.config.data.text_length, self.model.text_dim)
    program = make_sampler(self.model, self.config.flow, self.example_shape, steps=steps, sampler=sampler,
                           guidance=guidance)      # the one sampler program of every mode (inference.py)
    return run_sampler("Pipeline", program, self.params, cond, jax.random.PRNGKey(seed))

  def check_request(self, *, steps=None, guidance=None, seed=0, sampler=None) -> None:
    """The arguments' types and ranges (`check_sampling_arguments`), then the guidance against the
    range this model was trained on (sample_limits.py: refused far beyond it, a warning outside it)."""
    check_sampling_arguments(steps=steps, guidance=guidance, seed=seed, sampler=sampler)
    sample_limits.check_one_step("steps", steps, sampler or self.config.flow.sampler)
    sample_limits.check_guidance("guidance", guidance, self.config.flow, sampler)

  def decode(self, latents, what: str = "Pipeline.decode(latents)") -> np.ndarray:
    """Latents -> uint8 RGB frames (B, T, H, W, 3) through the run's autoencoder; non-finite latents
    are refused (FloatingPointError naming `what`) rather than decoded into black frames."""
    video_io.check_finite_clips(np.asarray(latents), what)
    self._decoder = self._decoder or autoencoders.from_config(self.config, self.manifest)
    return video_io.to_uint8(self._decoder.decode(latents))

  @root_logger.as_found()
  def __call__(self, *, class_ids=None, prompts=None, steps: int | None = None,
               guidance: float | None = None, seed: int = 0, sampler: str | None = None) -> np.ndarray:
    """Few-step samples as uint8 (B, T, H, W, 3); steps / guidance / sampler default to the
    config's flow.inference_steps / w_inf / sampler. Samples that are not finite are refused
    (FloatingPointError) rather than returned as black frames. The noise is drawn for the whole
    batch from `seed`: a request repeats exactly, but a clip depends on its place in the batch."""
    call_inputs.check_same_process("this Pipeline", self._built_in)
    call_inputs.check_not_traced("Pipeline(...)", class_ids, steps, guidance, seed)
    steps, guidance, seed = (python_scalar(v) for v in (steps, guidance, seed))
    self.check_request(steps=steps, guidance=guidance, seed=seed, sampler=sampler)
    cond = self.conditions(class_ids=class_ids, prompts=prompts)
    latents = self.latents(cond, steps=steps, guidance=guidance, seed=seed, sampler=sampler)
    return self.decode(latents, f"samples of {self.source} (steps={steps}, guidance={guidance}, seed={seed})")


def check_sampling_arguments(*, steps=None, guidance=None, seed=0, sampler=None) -> None:
  """The Python API's sampling arguments, by the command line's rules (cli_checks.py): steps >= 1,
  a finite guidance, seed >= 0, a known sampler (None = the config's)."""
  if steps is not None:
    cli_checks.check_integer("steps", steps, 1)
    sample_limits.check_steps("steps", steps)
  if guidance is not None:
    cli_checks.check_guidance("guidance", guidance)
  cli_checks.check_seed("seed", seed)
  if sampler is not None:
    cli_checks.check_sampler("sampler", sampler)


def python_scalar(value):
  """A 0-d NumPy or JAX array (jnp.float32(3.0) is one) as the Python number it holds: the checks
  refused a JAX scalar guidance as 'not a finite number', and the sampler cache keys on numbers."""
  return value.item() if getattr(value, "shape", None) == () and hasattr(value, "item") else value


def check_float32_default(what: str) -> None:
  """The models are built in JAX's default dtypes and their weights are float32: with
  jax_enable_x64 every export and checkpoint read as damaged or another model's (float32 against a
  float64 init), and the advice given (export again, a new workdir) could not help; a run trained
  with it wrote float64 checkpoints that nothing reads without it (train/loop.py)."""
  if jax.config.jax_enable_x64:
    raise ValueError(f"{what}: JAX_ENABLE_X64 (jax_enable_x64) is on, and eflow_jax's weights are float32; unset it, "
                     f"or jax.config.update('jax_enable_x64', False) first.")


def check_folder_name(what: str, directory) -> None:
  """An empty folder name would read as the working directory and fail with a message naming none."""
  if not isinstance(directory, (str, os.PathLike)) or not str(directory).strip():
    raise ValueError(f"{what}({directory!r}): give the folder's path.")
  if os.path.isfile(directory):       # e.g. the export's model.safetensors: read as a folder, it named two missing files
    raise ValueError(f"{what}({str(directory)!r}) is a file; give the folder that holds it "
                     f"({os.path.dirname(os.path.abspath(directory))!r}).")


class ExportedWeights(NamedTuple):
  """What inference reads of a run, as an export holds it: the EMA weights and their step."""
  ema_params: dict
  step: int


def is_export(directory: str) -> bool:
  """An export of `python -m eflow_jax.tools.export` (weights + config), not a training workdir."""
  return (not os.path.isdir(os.path.join(directory, "checkpoints")) and
          all(os.path.exists(os.path.join(directory, name)) for name in (CONFIG_FILE, WEIGHTS_FILE)))


def restore_export(config, directory: str, step=None) -> ExportedWeights:
  """The EMA weights of an export, for `--mode=eval` / `--mode=sample` with `--workdir=EXPORT`:
  a model trained on another machine is scored here from its export (a quarter of a checkpoint's
  bytes: no online weights, no Adam moments). Its model must be the config's, as on resume."""
  exported = Pipeline.from_pretrained(directory)
  mismatch = ckpt_lib.model_config_mismatch(exported.config.to_dict(), ckpt_lib.config_json(config))
  if mismatch:
    raise ValueError(f"the export in {directory} is from another model ({mismatch}).")
  check_example_shape(f"the export in {directory}", exported.example_shape, data_pipeline.example_shape(config.data))
  if step is not None and step != exported.step:
    raise ValueError(f"--step={step}: the export in {directory} holds step {exported.step} only.")
  return ExportedWeights(ema_params=jax.tree.map(jnp.asarray, exported.params), step=exported.step)


def check_example_shape(what: str, trained, shape) -> None:
  """The clips to sample must have the shape the network was trained on: the model takes any number of
  patches, so a --config.data.frames or size override would sample clips of a length or size it never
  saw, without an error."""
  if tuple(trained) != tuple(shape):
    raise ValueError(f"{what} was trained on clips of {tuple(trained)} (T, H, W, C), the config gives "
                     f"{tuple(shape)}: drop the config's data.frames / data.size overrides, or point data.path at "
                     f"a record set of the trained shape.")


def trained_example_shape(meta):
  """The clip shape a checkpoint was trained on, from the config saved with it (None when its data
  can no longer be read, e.g. a record set moved since: then only the model's fields are compared)."""
  try:
    return data_pipeline.example_shape(ml_collections.ConfigDict(meta["config"]["data"]))
  except (KeyError, TypeError, ValueError, OSError):
    return None
