"""A whole run config: every section's defaults, and the recipe's values written into them once.

A recipe file (`configs/*.py`) calls `run_config` with plain mappings, one per section it changes:

    run_config(model_size="B", model=dict(num_classes=700), video=latent_shape(29, 256, 256),
               total_steps=400_000, stages=[dict(name="sparse", fraction=0.8, ...), ...],
               data=dict(batch_size=256, ...), flow=dict(guidance_target="cfg"), ema_decay=0.9999)

Every field not given keeps its default here (or in the section's own module: schema/model.py,
flow.py, data.py, curriculum.py, devices.py); a misspelt field is a one-line error.

The paper gives LR and batch; it is silent on AdamW betas, clipping and EMA decay, for which we use
DiT's customs (0.9, 0.999), clip 1.0, EMA 0.9999 (SoFlow's imagenet.yaml has betas (0.9, 0.99); the
CPU demo uses 0.99 too).
"""
from collections.abc import Mapping, Sequence

import ml_collections

from eflow_jax.schema.curriculum import curriculum_config, stage_config
from eflow_jax.schema.data import data_config
from eflow_jax.schema.devices import mesh_config, sharding_config
from eflow_jax.schema.fields import build, merged
from eflow_jax.schema.flow import flow_config
from eflow_jax.schema.model import model_config, video_config

TOP_DEFAULTS = dict(
    seed=0,
    ema_decay=0.9999,
    # N > 1: each step's batch is N micro-batches whose gradients are averaged into one update
    # (train/step.py), so a batch N times what fits in memory trains with the same number of updates.
    grad_accum_steps=1,
    nan_policy="halt",             # non-finite loss/grads: halt (save last good state) | skip
    log_every=100,
    sample_every=10000,            # samples (GIF + MP4, and TensorBoard) every that many steps
    sample_every_minutes=0.0,      # and after that many minutes since the last grid (0 = off)
    num_samples=8,
    sample_columns=4,
    # Every that many steps (0 = off): the held-out objective and config.eval's sample metrics of the
    # EMA weights (train/evaluate.py), written as eval/* scalars; the classifier is the shipped one.
    eval_every=0,
    # Progress line: TFLOP/s per device (train/progress.py, seconds of lowering) and MFU against the peak.
    log_flops=True,
    peak_tflops_per_device=0.0,
    use_clu_writers=False,         # True needs the [tf] extra (clu.metric_writers imports TF)
)

SECTION_DEFAULTS = dict(
    optimizer=dict(b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, grad_clip=1.0),
    # The stages' LRs are multiplied by this shape (train/curriculum.learning_rate_schedule):
    # warm-up steps from 0, then decay 'constant' | 'cosine' | 'linear' down to final_fraction.
    lr_schedule=dict(warmup_steps=0, decay="constant", final_fraction=0.0),
    # preemption_check_every: multi-process only, steps between the all-process "was anyone
    # signalled?" exchanges (single process: every step, free).
    checkpoint=dict(every_steps=5000, max_to_keep=3, preemption_check_every=10),
    # How --mode=eval, the end-of-run score and the in-loop diagnostics measure a run
    # (eflow_jax/metrics/): samples scored against as many held-out clips; the Moving MNIST
    # classifier trains once (classifier_steps) and is cached; FVD (I3D, the [eval] extra) costs ~2 s
    # per clip on CPU, so it is opt-in here; its real statistics use i3d_clips clips, cached.
    # metrics_dir: the folder of those caches ("" = <workdir>/metrics; another for a model folder
    # nobody may write, a shared read-only model store). classifier_path / i3d_reference_path: one
    # cache's file ("" = <metrics_dir>/...; a sweep shares one of each across its runs).
    # score_at_end: after the last step, score that many few-step samples and print how many read as
    # their digit in most frames (metrics/frame_judge.py; Moving MNIST class models; 0 = off).
    # frame_judge_steps: the per-frame judge's training steps (the shipped one, for the demo's
    # geometry, has the default; another geometry trains one once, cached in <workdir>/metrics/).
    # guidance_diagnostics_every: every that many training steps, write flow/diagnostics.py's per-t-bin
    # parts of the guided target (weak vs full unconditional error, class signal) for the online
    # weights on the current batch to metrics.jsonl / TensorBoard as diag/* (0 = off; three forward
    # passes of one batch each time). --mode=eval always reports them for the EMA weights.
    eval=dict(num_samples=64, use_i3d=False, i3d_clips=256, classifier_steps=4000, frame_judge_steps=2000,
              metrics_dir="", classifier_path="", i3d_reference_path="", score_at_end=0, guidance_diagnostics_every=0),
    # A jax.profiler trace of steps [start_step, start_step + num_steps) under <workdir>/profile
    # (TensorBoard's profile tab, or Perfetto); num_steps 0 = off.
    profile=dict(start_step=10, num_steps=0),
    # Pixels <-> latents (eflow_jax/autoencoders): kind auto | identity | wan21; 'auto' = the one the
    # record set's manifest names (identity for the embedded Moving MNIST data). weights: a local
    # Wan 2.1 VAE (diffusers dir, .safetensors, Wan2.1_VAE.pth or converted Orbax dir), converted
    # once into cache_dir; random_init_seed >= 0 gives random weights (tests only).
    autoencoder=dict(kind="auto", weights="", cache_dir="", random_init_seed=-1, max_batch=1),
    # Prompts -> embeddings at sample time (eflow_jax/text): kind builtin | t5 ('' = t5 when path
    # is set, else builtin); path: a local T5/UMT5 directory (nothing is downloaded).
    text_encoder=dict(kind="", path="", dtype="float32", device="cpu"),
)

# Sections with their own module (their defaults and checks live there).
SECTION_BUILDERS = dict(flow=flow_config, data=data_config, mesh=mesh_config, sharding=sharding_config)


def run_config(*, model_size: str, model: Mapping, video: Sequence[int], total_steps: int,
               stages: Sequence[Mapping], **sections_and_fields) -> ml_collections.ConfigDict:
  """The run config: model `model_size` (schema/model.MODEL_SIZES) with the fields in `model`, the
  step geometry `video` (latent T, H, W, C), the curriculum `stages` (schema/curriculum.stage_config's
  arguments), then any section of SECTION_DEFAULTS / SECTION_BUILDERS as a mapping of its fields,
  and any field of TOP_DEFAULTS."""
  rest = dict(sections_and_fields)
  sections = {name: build(name, defaults, rest.pop(name, {})) for name, defaults in SECTION_DEFAULTS.items()}
  sections.update({name: builder(**rest.pop(name, {})) for name, builder in SECTION_BUILDERS.items()})
  top = merged("config", TOP_DEFAULTS, rest)
  return ml_collections.ConfigDict(dict(
      model_size=model_size, total_steps=total_steps, model=model_config(model_size, **model),
      video=video_config(video), curriculum=curriculum_config(*(stage_config(**s) for s in stages)),
      **sections, **top))
