"""`config.model` and `config.video`: every VideoDiT knob with its default, and the paper's sizes.

The one declaration of the model's knobs: `models/attention.SparseSpec` takes the sla_* / vsa_* defaults
from SPARSE_DEFAULTS, `models/video_dit.VideoDiT` the others from MODEL_DEFAULTS and holds one SparseSpec
(`VideoDiT.sparse`); the config keeps the flat model.sla_* / vsa_* keys (tests/test_schema.py checks
the field lists agree).
"""
import ml_collections

from eflow_jax.schema.fields import build

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
WAN_TEXT_LENGTH = 512          # Wan pads UMT5 prompts to 512 tokens

# The SLA / VSA baselines (attention='sla' | 'vsa'; kernels/sla.py, kernels/vsa.py).
SPARSE_DEFAULTS = dict(
    sla_block_q=64, sla_block_k=64,   # tokens per query / key block
    sla_critical=0.05,             # fraction of key blocks attended exactly (0.05 = 95% sparsity)
    sla_negligible=0.0,            # fraction skipped (the rest: the linear branch; the official code: 0)
    sla_feature_map="softmax",     # the linear branch's feature map: softmax | elu | relu
    vsa_cube=(4, 4, 4),            # tokens per cube (t, h, w): 64, as VSA
    vsa_topk=32,                   # cubes each query cube attends to exactly
    vsa_gate="linear",             # coarse output gated by a zero-initialised linear map | none
)

MODEL_DEFAULTS = dict(
    latent_channels=WAN_LATENT_CHANNELS,
    patch=(1, 2, 2),
    attention="glga",              # softmax | glga | linear | window | glga_sum | sana | sla | vsa
    feature_map="none",            # GLGA linear-branch feature map: none | relu | silu | elu1
    linear_normalize="sum",        # S = sum_j K_j^T V_j (Eq. 5) or its mean
    qk_norm=True,
    adaln="per_block",             # per_block: DiT adaLN-Zero (paper's AdaLN ref.) | shared: Wan 2.1
    attention_impl="auto",         # auto (GPU: Pallas GLGA, cuDNN softmax; else jnp) | reference | pallas
    window_block=64,               # query tile (both paths); 64 is the H200-tuned Pallas tile
    **SPARSE_DEFAULTS,
    num_classes=0,                 # > 0: class-conditional (a model is class or text, not both)
    text_dim=0,                    # > 0: text mode, the width of the text encoder's embeddings
    token_drop_group=(2, 2, 2),    # SPRINT groups (t, h, w); one token of each is kept at 75% drop
    time_scale=1.0,                # times enter the sinusoidal embedding raw (docs/method.md §0)
    rope_theta=10000.0,
    dtype="float32",               # compute dtype: float32 | bfloat16 (params and optimizer stay f32)
    scan_blocks=True,              # same-kind blocks under nn.scan: compile time flat in depth
    remat="none",                  # rematerialise each block: none | full | dots | dots_no_batch
    **MODEL_SIZES["B"],            # depth, width, heads, softmax every K, window m
)
# Knobs given as (t, h, w) triples: a config read back from JSON holds them as lists.
TUPLE_FIELDS = tuple(name for name, value in MODEL_DEFAULTS.items() if isinstance(value, tuple))


def model_config(size: str, **fields) -> ml_collections.ConfigDict:
  """The `config.model` block: paper Tab. 5's `size`, then the recipe's `fields` (any knob above)."""
  if size not in MODEL_SIZES:
    raise ValueError(f"unknown model size {size!r}; one of {list(MODEL_SIZES)}.")
  if bool(fields.get("num_classes", 0)) == bool(fields.get("text_dim", 0)):
    raise ValueError("a model is either class-conditional (num_classes > 0) or text (text_dim > 0).")
  for name in TUPLE_FIELDS:
    if name in fields:
      fields[name] = tuple(fields[name])
  return build("model", MODEL_DEFAULTS, {**MODEL_SIZES[size], **fields})


def latent_shape(frames: int, height: int, width: int, *, vae_stride=(4, 8, 8),
                 channels: int = WAN_LATENT_CHANNELS) -> tuple[int, int, int, int]:
  """The latent (T, H, W, C) the Wan 2.1 VAE turns a frames x height x width clip into (frames must
  be 1 + 4k)."""
  st, sh, sw = vae_stride
  if (frames - 1) % st or height % sh or width % sw:
    raise ValueError(f"video {frames}x{height}x{width} does not fit VAE stride {vae_stride} "
                     f"(frames must be 1 + {st}k, sides multiples of {sh}).")
  return (1 + (frames - 1) // st, height // sh, width // sw, channels)


def video_config(latent: tuple[int, int, int, int]) -> ml_collections.ConfigDict:
  """`config.video`: the step's geometry when no data is read (benchmarks, `read_data=False`); a run
  reads its shards' own shape from their manifest."""
  return ml_collections.ConfigDict(dict(latent_shape=tuple(latent)))
