"""Building blocks shared by the run configs in `configs/` (paper Tab. 5 and App. C).

Run configs are python files with `get_config(arg)`; they assemble the pieces below so that each
paper number lives in exactly one place. `arg` is a comma-separated list of options; every config
understands `runlocal`, which shrinks the model and the video so the run fits this CPU.
"""
import importlib.util
import os

import ml_collections

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
WAN_TEXT_LENGTH = 512


def parse_arg(arg: str | None) -> set[str]:
  return {a.strip() for a in (arg or "").split(",") if a.strip()}


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
      attention="glga",              # softmax | glga | linear | window | glga_sum | sana
      feature_map="none",            # GLGA linear-branch feature map: none | relu | silu | elu1
      linear_normalize="sum",        # S = sum_j K_j^T V_j (Eq. 5) or its mean
      qk_norm=True,
      adaln="per_block",             # per_block: DiT adaLN-Zero (paper's AdaLN ref.) | shared: Wan 2.1
      attention_impl="reference",    # kernels: reference (pure jnp); Pallas arrives with the kernels issue
      window_block=128,
      num_classes=num_classes,
      text_dim=text_dim,
      token_drop_group=tuple(token_drop_group),
      time_scale=1.0,                # times enter the sinusoidal embedding raw (METHOD §0)
      rope_theta=10000.0,
      dtype="float32",
      **MODEL_SIZES[size],
  ))


def video_config(frames: int, height: int, width: int, *, vae_stride=(4, 8, 8),
                 channels: int = WAN_LATENT_CHANNELS) -> ml_collections.ConfigDict:
  """Pixel geometry and the latent shape the Wan 2.1 VAE turns it into (frames must be 1 + 4k)."""
  st, sh, sw = vae_stride
  if (frames - 1) % st or height % sh or width % sw:
    raise ValueError(f"video {frames}x{height}x{width} does not fit VAE stride {vae_stride} "
                     f"(frames must be 1 + {st}k, sides multiples of {sh}).")
  return ml_collections.ConfigDict(dict(
      frames=frames, height=height, width=width, vae_stride=tuple(vae_stride),
      latent_shape=(1 + (frames - 1) // st, height // sh, width // sw, channels)))


def shrink_for_cpu(config: ml_collections.ConfigDict) -> None:
  """`:runlocal`: same code paths and fields, a model and video small enough for a 2-core CPU."""
  tiny = MODEL_SIZES["tiny"]
  for key, value in tiny.items():
    config.model[key] = value
  config.model.latent_channels = 4
  config.model.window_block = 64
  if config.model.text_dim:
    config.model.text_dim = 32
    config.text_length = 8
  config.model_size = "tiny"
  config.video = video_config(13, 128, 128, channels=4)     # latent 4 x 16 x 16 -> 256 tokens


def kinetics_config(size: str, arg: str | None) -> ml_collections.ConfigDict:
  """Class-conditional Kinetics-700 (paper §5, App. C).

  The paper trains at 256x256x31; the Wan VAE needs 1 + 4k frames, so we use 29 frames: 8 latent
  frames of 32x32, i.e. 8 x 16 x 16 = 2048 tokens, which the 2x2x2 drop groups tile exactly.
  """
  options = parse_arg(arg)
  config = ml_collections.ConfigDict()
  config.model_size = size
  config.model = model_config(size, num_classes=700)
  config.video = video_config(29, 256, 256)
  if "runlocal" in options:
    shrink_for_cpu(config)
  return config


def t2v_config(height: int, width: int, arg: str | None) -> ml_collections.ConfigDict:
  """Text-to-video, EFlow-1.5B (paper App. B.1, C): 81 frames, UMT5-XXL text embeddings.

  81 frames give 21 latent frames; 21 is odd, so token dropping uses the spatial 2x2 groups that
  keep 1 (75% drop) instead of 2x2x2 groups.
  """
  options = parse_arg(arg)
  config = ml_collections.ConfigDict()
  config.model_size = "1.5B"
  config.model = model_config("1.5B", text_dim=UMT5_XXL_DIM, token_drop_group=(1, 2, 2))
  config.video = video_config(81, height, width)
  config.text_length = WAN_TEXT_LENGTH
  if "runlocal" in options:
    shrink_for_cpu(config)
  return config


def load_config(path_and_arg: str) -> ml_collections.ConfigDict:
  """Loads `configs/x.py[:arg]` the way ml_collections' config_flags does, for scripts and tests."""
  path, _, arg = path_and_arg.partition(":")
  if not os.path.exists(path):
    raise FileNotFoundError(f"config file {path} not found.")
  spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module.get_config(arg) if arg else module.get_config()
