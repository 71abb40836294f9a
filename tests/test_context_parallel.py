"""Context parallelism (eflow_jax/models/context_parallel.py): exact against one device, and the
one-line refusals of a geometry it cannot split."""
import json
import os
import subprocess
import sys

import pytest

from eflow_jax.models import context_parallel as cp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def worker_results():
  env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=8", "JAX_PLATFORMS": "cpu"}
  done = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "context_parallel_worker.py")],
                        capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800)
  assert done.returncode == 0, done.stderr[-3000:]
  return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


@pytest.mark.slow          # about 3.5 min on 2 cores: six models compiled twice on 8 host devices
def test_sharded_model_equals_one_device_forward_and_every_gradient(worker_results):
  """Dense and token-dropped, jnp reference and Pallas (interpret) kernels, GLGA with its softmax
  block, window-only and softmax-only models, 4 and 8 shards: float32 rounding only."""
  from tests.context_parallel_worker import CASES
  assert len(worker_results) == len(CASES)
  for r in worker_results:
    assert r["out"] <= 1e-5 * max(1.0, r["out_scale"]), r
    assert r["grad"] <= 1e-4, r


def test_halo_sizes():
  # Dense: exactly the radius nearest tokens. Dropped 2x2x2 groups keeping 2: a radius of one
  # 4x4 frame needs the whole 2-frame group slab, (4/2)*(4/2) groups * 2 kept = 8 tokens.
  assert cp.halo_tokens(16, (2, 4, 4), (2, 2, 2), None) == 16
  assert cp.halo_tokens(16, (2, 4, 4), (2, 2, 2), 2) == 8
  assert cp.halo_tokens(0, (2, 4, 4), (2, 2, 2), 2) == 0


@pytest.mark.parametrize("size, grid, kw, message", [
    (3, (8, 4, 4), {}, "does not divide the 8 latent token frames"),
    (8, (8, 4, 4), dict(radius=32), "thinner than the window's halo of 2 frames"),
    (8, (8, 4, 4), dict(drop_ratios=(0.75,)), "not a multiple of model.token_drop_group's 2 frames"),
    (4, (8, 4, 4), dict(attention="vsa"), "'vsa' has no context-parallel form"),
])
def test_a_geometry_that_cannot_be_split_is_one_line(size, grid, kw, message):
  args = dict(attention="glga", softmax_every=3, radius=16, group=(2, 2, 2), drop_ratios=())
  args.update(kw)
  with pytest.raises(ValueError, match=message) as e:
    cp.check_context(size, grid, **args)
  assert "\n" not in str(e.value)
  cp.check_context(1, grid, **args)            # context 1 is always fine


def test_bfloat16_with_softmax_blocks_on_a_cpu_is_refused_before_compiling():
  """XLA:CPU aborts the whole process compiling the context-parallel gradient of a bf16 model with
  softmax blocks; the run config check says so in one line instead. float32 and GLGA-only bf16 pass."""
  from eflow_jax import config_lib
  from eflow_jax.train import validate
  config = config_lib.load_config(os.path.join(ROOT, "tests", "tiny_config.py"))
  config.data.frames = 8
  config.model.update(window_frames=1, dtype="bfloat16", softmax_every=2)
  config.mesh.context = 2
  with pytest.raises(ValueError, match=r"^mesh.context=2 with model.dtype=bfloat16 .* use model.dtype=float32"):
    validate.check_run_config(config, device_count=2)
  config.model.dtype = "float32"
  validate.check_run_config(config, device_count=2)
  config.model.update(dtype="bfloat16", softmax_every=0, attention="glga")
  validate.check_run_config(config, device_count=2)
