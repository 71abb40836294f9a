"""`config.mesh` and `config.sharding`: how a run spreads over devices (used by eflow_jax/sharding.py)."""
import ml_collections

from eflow_jax.schema.fields import build

# ICI (within a slice/host) and DCN (across) sizes per axis; -1 = the rest: the default is pure data
# parallelism over every device. `context` shards each clip's latent frames (sequence / context
# parallelism, eflow_jax/models/context_parallel.py); it is the innermost axis, so a clip's shards
# sit on neighbouring devices.
MESH_DEFAULTS = dict(data=-1, fsdp=1, context=1, dcn_data=-1, dcn_fsdp=1, dcn_context=1)

SHARDING_DEFAULTS = dict(
    param_rules=((".*", "fsdp"),),
    min_shard_elements=2 ** 10,
    activation_rules=(("batch", ("data", "fsdp")),),
    # Round the FM / SCM / MVA group sizes (and the path-dropped count) to multiples of the
    # data-parallel size when the ratios allow, so no group straddles a batch shard. The split
    # then depends on the mesh (by < 1 unit per group); False keeps it mesh-independent.
    align_groups=True,
)


def mesh_config(**fields) -> ml_collections.ConfigDict:
  return build("mesh", MESH_DEFAULTS, fields)


def sharding_config(**fields) -> ml_collections.ConfigDict:
  """Parameter strategies and activation logical-axis rules."""
  return build("sharding", SHARDING_DEFAULTS, fields)
