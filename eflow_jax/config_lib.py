"""Building blocks shared by the run configs in `configs/` (paper Tab. 5).

Run configs are python files with `get_config(arg)`, one per run family, and each one writes its
recipe out (data, model size, steps, batch, curriculum: `configs/kinetics.py`, `configs/t2v_256p.py`,
`configs/demo.py`); what they share lives here: the model sizes of Tab. 5, the fields every run has,
and `runlocal`'s CPU shrink. `arg` is a comma-separated list of options that each config declares
with `parse_options` (`configs/kinetics.py:variant=XL,runlocal`).
"""
import importlib.util
import os
import sys
import traceback

import ml_collections

from eflow_jax import sharding
from eflow_jax.data.defaults import data_config
from eflow_jax.flow.defaults import flow_config

# Paper Tab. 5: name -> (blocks N_e / N_m / N_d, hidden, FFN, heads, softmax every K, window m).
MODEL_SIZES = {
    "B": dict(encoder_blocks=2, middle_blocks=10, decoder_blocks=2, hidden=768, mlp_hidden=3072,
              num_heads=12, softmax_every=6, window_frames=4),
    "XL": dict(encoder_blocks=3, middle_blocks=22, decoder_blocks=3, hidden=1152, mlp_hidden=4608,
               num_heads=16, softmax_every=8, window_frames=4),
    "XXL": dict(encoder_blocks=4, middle_blocks=28, decoder_blocks=4, hidden=2304, mlp_hidden=8064,
                num_heads=24, softmax_every=8, window_frames=4),
    "1.5B": dict(encoder_blocks=3, middle_blocks=22, decoder_blocks=3, hidden=1536, mlp_hidden=7680,
                 num_heads=12, softmax_every=8, window_frames=6),
    # Not in the paper: a CPU-sized model for `:runlocal` runs and tests.
    "tiny": dict(encoder_blocks=1, middle_blocks=2, decoder_blocks=1, hidden=64, mlp_hidden=256,
                 num_heads=4, softmax_every=3, window_frames=1),
}
PAPER_PARAMS = {"B": 128e6, "XL": 529e6, "XXL": 3e9, "1.5B": 1.5e9}

WAN_LATENT_CHANNELS = 16       # Wan 2.1 VAE: 4x8x8 (t x h x w) compression, 16 channels
UMT5_XXL_DIM = 4096            # Wan's text encoder width
WAN_TEXT_LENGTH = 512             # Wan pads UMT5 prompts to 512 tokens


# How `parse_options` shows a value option's type in its list of known options.
_VALUE_KINDS = {int: "N", float: "X", str: "S"}


def parse_options(arg: str | None, config_file: str, *, flags=(), values=None, one_of=None) -> dict:
  """A run config's `:arg` (comma-separated `word`s and `name=value`s) -> {option: value}.

  flags: words that are True when given, else False (`runlocal`). values: {name: default} set with
  `name=value` and parsed as type(default) (int, float or str). one_of: (name, words): exactly one
  of `words` must be given (an ablation table's row); it is returned under `name`. Anything else is
  a ValueError naming `config_file` and the known options: a misspelt option must not silently
  leave the default in place.
  """
  values = values or {}
  choice, choices = one_of or ("", ())
  known = [*flags, *(f"{k}={_VALUE_KINDS[type(v)]}" for k, v in values.items())]
  known += [f"one {choice} of {', '.join(choices)}"] if choices else []

  def error(what, problem=""):
    return ValueError(f"{what} for {_shown(config_file)}{problem}; known: {'; '.join(known) or 'none'}.")

  out, chosen = {**{f: False for f in flags}, **values}, []
  for option in filter(None, (a.strip() for a in (arg or "").split(","))):
    name, has_value, text = (part.strip() for part in option.partition("="))
    if name in values and has_value:
      try:
        out[name] = type(values[name])(text)
      except ValueError:
        kind = type(values[name]).__name__
        raise error(f"config option {option!r}", f": {text!r} is not a valid {kind}") from None
    elif name in values or (has_value and (name in flags or name in choices)):
      raise error(f"malformed config option {option!r}")
    elif name in flags:
      out[name] = True
    elif name in choices:
      chosen.append(name)
    else:
      raise error(f"unknown config option {name!r}")
  if choices:
    if len(chosen) != 1:
      raise error(f"config {choice}s {', '.join(chosen)} given" if chosen else f"no config {choice} given")
    out[choice] = chosen[0]
  return out


def model_config(size: str, *, num_classes: int = 0, text_dim: int = 0,
                 token_drop_group=(2, 2, 2)) -> ml_collections.ConfigDict:
  """The `config.model` block: every VideoDiT field with its paper default."""
  if size not in MODEL_SIZES:
    raise ValueError(f"unknown model size {size!r}; one of {list(MODEL_SIZES)}.")
  if bool(num_classes) == bool(text_dim):
    raise ValueError("a model is either class-conditional (num_classes > 0) or text (text_dim > 0).")
  return ml_collections.ConfigDict(dict(
      latent_channels=WAN_LATENT_CHANNELS,
      patch=(1, 2, 2),
      attention="glga",              # softmax | glga | linear | window | glga_sum | sana | sla | vsa
      feature_map="none",            # GLGA linear-branch feature map: none | relu | silu | elu1
      linear_normalize="sum",        # S = sum_j K_j^T V_j (Eq. 5) or its mean
      qk_norm=True,
      adaln="per_block",             # per_block: DiT adaLN-Zero (paper's AdaLN ref.) | shared: Wan 2.1
      attention_impl="auto",         # auto (GPU: Pallas GLGA, cuDNN softmax; else jnp) | reference | pallas
      window_block=64,               # query tile (both paths); 64 is the H200-tuned Pallas tile
      # The SLA / VSA baselines (attention='sla' | 'vsa'; kernels/sla.py, kernels/vsa.py):
      sla_block_q=64, sla_block_k=64,   # tokens per query / key block
      sla_critical=0.05,             # fraction of key blocks attended exactly (0.05 = 95% sparsity)
      sla_negligible=0.0,            # fraction skipped (the rest: the linear branch)
      sla_feature_map="softmax",     # the linear branch's feature map: softmax | elu | relu
      vsa_cube=(4, 4, 4),            # tokens per cube (t, h, w): 64, as VSA
      vsa_topk=32,                   # cubes each query cube attends to exactly
      vsa_gate="linear",             # coarse output gated by a zero-initialised linear map | none
      num_classes=num_classes,
      text_dim=text_dim,
      token_drop_group=tuple(token_drop_group),
      time_scale=1.0,                # times enter the sinusoidal embedding raw (docs/method.md §0)
      rope_theta=10000.0,
      dtype="float32",               # compute dtype: float32 | bfloat16 (params and optimizer stay f32)
      scan_blocks=True,              # same-kind blocks under nn.scan: compile time flat in depth
      remat="none",                  # rematerialise each block: none | full | dots | dots_no_batch
      **MODEL_SIZES[size],
  ))


def video_config(frames: int, height: int, width: int, *, vae_stride=(4, 8, 8),
                 channels: int = WAN_LATENT_CHANNELS) -> ml_collections.ConfigDict:
  """`config.video`: the latent shape the Wan 2.1 VAE turns a frames x height x width clip into
  (frames must be 1 + 4k). The step's geometry when no data is read (benchmarks, `read_data=False`);
  a run reads its shards' own shape from their manifest."""
  st, sh, sw = vae_stride
  if (frames - 1) % st or height % sh or width % sw:
    raise ValueError(f"video {frames}x{height}x{width} does not fit VAE stride {vae_stride} "
                     f"(frames must be 1 + {st}k, sides multiples of {sh}).")
  return ml_collections.ConfigDict(dict(latent_shape=(1 + (frames - 1) // st, height // sh, width // sw,
                                                      channels)))


def shrink_for_cpu(config: ml_collections.ConfigDict, total_steps: int = 300) -> None:
  """`:runlocal`: the same code paths and fields, sized for a 2-core CPU.

  A 4-block, 64-wide model on Moving MNIST clips (8 x 32 x 32 pixels, 1 channel, identity
  autoencoder) with 1x4x4 patches (512 tokens); the curriculum keeps its stages, rescaled to
  `total_steps`, and reads the embedded data instead of prepared shards.
  """
  for key, value in MODEL_SIZES["tiny"].items():
    config.model[key] = value
  config.model.latent_channels = 1
  config.model.patch = (1, 4, 4)
  config.model.window_block = 64
  config.model_size = "tiny"
  data = config.data
  data.source, data.path, data.batch_size = "moving_mnist", "", 16
  data.frames, data.size, data.channels = 8, 32, 1
  data.still_video_ratio = min(data.still_video_ratio, 0.1)
  if config.model.num_classes:
    config.model.num_classes = 10
  else:
    config.model.text_dim = data.text_dim = 32
    data.text_length = 8
  config.video = ml_collections.ConfigDict(dict(latent_shape=(8, 32, 32, 1)))
  old_total = config.total_steps
  for key in [k for k in config.curriculum.keys() if k.startswith("stage")]:
    stage = config.curriculum[key]
    if stage.steps > 0:
      stage.fraction, stage.steps = stage.steps / old_total, 0
    stage.data_path, stage.batch_size = "", 0
  config.total_steps = total_steps
  config.ema_decay = 0.99
  config.checkpoint.every_steps = 100
  config.log_every = 10
  config.sample_every = 0
  config.num_samples = 10
  config.sample_columns = 5


def training_config(total_steps: int, batch_size: int) -> ml_collections.ConfigDict:
  """Fields every run has: optimizer, EMA, objective, data, checkpoints, logging, samples.

  The paper gives LR and batch; it is silent on AdamW betas, clipping and EMA decay, for which we
  use DiT's customs (0.9, 0.999), clip 1.0, EMA 0.9999 (SoFlow's imagenet.yaml has betas
  (0.9, 0.99); the CPU demo uses 0.99 too).
  """
  config = ml_collections.ConfigDict()
  config.seed = 0
  config.total_steps = total_steps
  config.optimizer = ml_collections.ConfigDict(dict(b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0,
                                                    grad_clip=1.0))
  config.ema_decay = 0.9999
  # N > 1: each step's batch is N micro-batches whose gradients are averaged into one update
  # (train/step.py), so a batch N times what fits in memory trains with the same number of updates.
  config.grad_accum_steps = 1
  # The stages' LRs are multiplied by this shape (train/curriculum.learning_rate_schedule):
  # warm-up steps from 0, then decay 'constant' | 'cosine' | 'linear' down to final_fraction.
  config.lr_schedule = ml_collections.ConfigDict(dict(warmup_steps=0, decay="constant",
                                                      final_fraction=0.0))
  config.flow = flow_config()
  config.data = data_config()
  config.data.batch_size = batch_size
  # preemption_check_every: multi-process only, steps between the all-process "was anyone
  # signalled?" exchanges (single process: every step, free).
  config.checkpoint = ml_collections.ConfigDict(dict(every_steps=5000, max_to_keep=3,
                                                     preemption_check_every=10))
  config.nan_policy = "halt"           # non-finite loss/grads: halt (save last good state) | skip
  config.eval = eval_config()
  config.log_every = 100
  config.sample_every = 10000          # samples (GIF + MP4, and TensorBoard) every that many steps
  config.sample_every_minutes = 0.0    # and after that many minutes since the last grid (0 = off)
  config.num_samples, config.sample_columns = 8, 4
  # Every that many steps (0 = off): the held-out objective and config.eval's sample metrics of the
  # EMA weights (train/evaluate.py), written as eval/* scalars; the classifier is the shipped one.
  config.eval_every = 0
  # Progress line: TFLOP/s per device (train/progress.py, seconds of lowering) and MFU against the peak.
  config.log_flops = True
  config.peak_tflops_per_device = 0.0
  # A jax.profiler trace of steps [start_step, start_step + num_steps) under <workdir>/profile
  # (TensorBoard's profile tab, or Perfetto); num_steps 0 = off.
  config.profile = ml_collections.ConfigDict(dict(start_step=10, num_steps=0))
  config.use_clu_writers = False       # True needs the [tf] extra (clu.metric_writers imports TF)
  config.curriculum = ml_collections.ConfigDict()
  # Devices (eflow_jax/sharding.py): mesh data x fsdp (ICI within a host/slice, DCN across; -1 = the
  # rest: the default is pure data parallelism over every device), parameter sharding rules and
  # activation logical-axis rules.
  config.mesh = sharding.mesh_config()
  config.sharding = sharding.sharding_config()
  # Pixels <-> latents (eflow_jax/autoencoders): kind auto | identity | wan21; 'auto' = the one the
  # record set's manifest names (identity for the embedded Moving MNIST data). weights: a local
  # Wan 2.1 VAE (diffusers dir, .safetensors, Wan2.1_VAE.pth or converted Orbax dir), converted
  # once into cache_dir; random_init_seed >= 0 gives random weights (tests only).
  config.autoencoder = ml_collections.ConfigDict(dict(kind="auto", weights="", cache_dir="",
                                                      random_init_seed=-1, max_batch=1))
  # Prompts -> embeddings at sample time (eflow_jax/text): kind builtin | t5 ('' = t5 when path
  # is set, else builtin); path: a local T5/UMT5 directory (nothing is downloaded).
  config.text_encoder = ml_collections.ConfigDict(dict(kind="", path="", dtype="float32",
                                                       device="cpu"))
  return config


def eval_config() -> ml_collections.ConfigDict:
  """config.eval: how --mode=eval, the end-of-run score and the in-loop diagnostics measure a run."""
  # --mode=eval (eflow_jax/metrics/): samples scored against as many held-out clips; the Moving MNIST
  # classifier trains once (classifier_steps) and is cached; FVD (I3D, the [eval] extra) costs ~2 s
  # per clip on CPU, so it is opt-in here; its real statistics use i3d_clips clips, cached.
  # classifier_path / i3d_reference_path: "" = <workdir>/metrics/{classifier,i3d_reference}.npz
  # (a sweep shares one of each across its runs: same data, same protocol).
  # score_at_end: after the last step, score that many few-step samples and print how many read as
  # their digit in most frames (metrics/frame_judge.py; Moving MNIST class models; 0 = off).
  # frame_judge_steps: the per-frame judge's training steps (the shipped one, for the demo's
  # geometry, has the default; another geometry trains one once, cached in <workdir>/metrics/).
  # guidance_diagnostics_every: every that many training steps, write flow/diagnostics.py's per-t-bin
  # parts of the guided target (weak vs full unconditional error, class signal) for the online
  # weights on the current batch to metrics.jsonl / TensorBoard as diag/* (0 = off; three forward
  # passes of one batch each time). --mode=eval always reports them for the EMA weights.
  return ml_collections.ConfigDict(dict(num_samples=64, use_i3d=False, i3d_clips=256, classifier_steps=4000,
                                        frame_judge_steps=2000, classifier_path="", i3d_reference_path="", score_at_end=0,
                                        guidance_diagnostics_every=0))


def load_module(path: str):
  """Imports a Python file by path (config files are not a package)."""
  if not os.path.exists(path):
    raise FileNotFoundError(f"config file {path} not found.")
  spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def load_config(path_and_arg: str) -> ml_collections.ConfigDict:
  """Loads `configs/x.py[:arg]` the way ml_collections' config_flags does, for scripts and tests."""
  path, _, arg = path_and_arg.partition(":")
  module = load_module(path)
  return module.get_config(arg) if arg else module.get_config()


_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def _shown(path: str) -> str:
  """`path` as the user likely typed it: relative to the working directory when inside it."""
  relative = os.path.relpath(path)
  return path if relative.startswith("..") else relative


def _under(filename: str, *roots: str) -> bool:
  return any(os.path.abspath(filename).startswith(root + os.sep) for root in roots)


def _is_config_source(filename: str) -> bool:
  """A frame of a config file: not eflow_jax, the Python installation or a frozen module."""
  return not filename.startswith("<") and not _under(filename, _PACKAGE, sys.prefix, sys.base_prefix,
                                                     sys.exec_prefix)


def config_error_message(error: BaseException) -> str | None:
  """One line for an exception raised loading a config file or in its get_config, else None.

  Finds the original exception under the wrappers (ml_collections' config_flags and absl re-raise
  it, or defer an OSError to the config's first access) and names the deepest line of a config
  file: `configs/x.py:7: NameError: name 'foo' is not defined`. A ValueError or FileNotFoundError
  raised by eflow_jax (config_lib, stage_config...) keeps its own message: it names the option.
  """
  while True:
    inner = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    if inner is None:
      break
    error = inner
  message = " ".join(str(error).split())
  if isinstance(error, SyntaxError) and error.filename and _is_config_source(error.filename):
    return f"{_shown(error.filename)}:{error.lineno}: {type(error).__name__}: {error.msg}"
  frames = traceback.extract_tb(error.__traceback__)
  first_library = next((i for i, f in enumerate(frames) if not _is_config_source(f.filename)), len(frames))
  ours = [f for f in frames[first_library:] if _is_config_source(f.filename)]   # below the loader
  if not ours:
    return None
  if isinstance(error, (ValueError, FileNotFoundError)) and _under(frames[-1].filename, _PACKAGE):
    return message
  return f"{_shown(ours[-1].filename)}:{ours[-1].lineno}: {type(error).__name__}: {message}"
