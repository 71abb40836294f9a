"""The collective bytes counted from a compiled context-parallel program (benchmarks/dev/hlo_collectives.py)
agree with the closed form of benchmarks/dev/context_cost_model.py, op by op kind, for a tiny EFlow
model whose blocks use every context-parallel path: GLGA (summary all-reduce, halo permutes) and a
full-softmax block (K/V all-gather, reduce-scatter backward), differentiated through two passes of one
net as the objective does: every block collective twice, the parameter gradient all-reduced once.
Plus the counter's loop weighting on a hand-written HLO."""
import json
import os
import subprocess
import sys

import pytest

from benchmarks.dev import hlo_collectives

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY = dict(encoder_blocks=1, middle_blocks=2, decoder_blocks=1, hidden=64, mlp_hidden=128, num_heads=2,
            softmax_every=3, window_frames=2, text_dim=32)
GRID, CONTEXT, PASSES = (8, 4, 4), 4, 2

_WORKER = f"""
import json, sys
sys.path.insert(0, {ROOT!r})
from benchmarks.dev import context_cost_worker
print(json.dumps(context_cost_worker.compile_point({GRID!r}, {CONTEXT}, "glga", {TINY!r}, passes={PASSES})))
"""


@pytest.fixture(scope="module")
def compiled_point():
  env = {**os.environ, "JAX_PLATFORMS": "cpu",
         "XLA_FLAGS": f"--xla_force_host_platform_device_count={CONTEXT} --xla_backend_optimization_level=0"}
  done = subprocess.run([sys.executable, "-c", _WORKER], capture_output=True, text=True, env=env, cwd=ROOT,
                        timeout=600)
  assert done.returncode == 0, done.stderr[-3000:]
  return json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])


def test_hlo_collectives_equal_the_closed_form(compiled_point):
  from benchmarks.dev import context_cost_model
  from benchmarks.dev.context_cost_worker import CONFIG, build_model
  model, _ = build_model(CONFIG, "glga", TINY)
  assert context_cost_model.block_kind_counts(model) == {"window": 3, "linear": 3, "softmax": 1}
  expected = context_cost_model.context_collectives(model, GRID, CONTEXT, param_count=compiled_point["param_count"],
                                                    passes=PASSES)
  for kind in hlo_collectives.KINDS + ("total",):
    measured = compiled_point["collectives"][kind]
    assert measured["payload_bytes"] == expected[kind]["payload_bytes"], kind
    assert measured["wire_bytes"] == pytest.approx(expected[kind]["wire_bytes"], rel=1e-12), kind
    if kind not in ("all-reduce", "total"):        # XLA combines the losses' all-reduces with others
      assert measured["executions"] == expected[kind]["executions"], kind
  # Every kind is exercised, and half of each block collective is the backward pass's.
  assert all(compiled_point["collectives"][k]["executions"] for k in hlo_collectives.KINDS if k != "all-to-all")
  backward = compiled_point["backward_collectives"]
  assert backward["collective-permute"]["executions"] == 12 * PASSES
  assert backward["reduce-scatter"]["executions"] == 2 * PASSES
  # The largest all-reduce is the parameter gradient's, once: a per-pass all-reduce would send it twice.
  gradient = 4 * context_cost_model.gradient_elements(model, compiled_point["param_count"])
  reduced = [op["payload"] for op in compiled_point["ops"] if op["kind"] == "all-reduce"]
  assert max(reduced) < 2 * gradient and sum(reduced) < 2 * gradient


_LOOPED = """HloModule m

%add (a: f32[], b: f32[]) -> f32[] {
  %a = f32[] parameter(0)
  %b = f32[] parameter(1)
  ROOT %s = f32[] add(%a, %b)
}

%inner_body (p: (s32[], f32[8])) -> (s32[], f32[8]) {
  %p = (s32[], f32[8]) parameter(0)
  %x = f32[8]{0} get-tuple-element(%p), index=1
  %r = f32[8]{0} all-reduce(%x), channel_id=1, replica_groups={{0,1,2,3}}, to_apply=%add
  %cp = bf16[2,3]{1,0} collective-permute(%y), channel_id=2, source_target_pairs={{0,1},{1,0}}
  ROOT %t = (s32[], f32[8]) tuple(%i, %r)
}

%outer_body (p: (s32[], f32[8])) -> (s32[], f32[8]) {
  %p = (s32[], f32[8]) parameter(0)
  %w = (s32[], f32[8]) while(%p), condition=%cond, body=%inner_body, backend_config={"known_trip_count":{"n":"7"}}
  %g = f32[4,8]{1,0} all-gather(%x), channel_id=3, replica_groups=[1,4]<=[4], dimensions={0}
  ROOT %t = (s32[], f32[8]) tuple(%i, %x)
}

ENTRY %main (p: (s32[], f32[8])) -> (s32[], f32[8]) {
  %p = (s32[], f32[8]) parameter(0)
  %w = (s32[], f32[8]) while(%p), condition=%cond, body=%outer_body, backend_config={"known_trip_count":{"n":"3"}}
  %rs = f32[2]{0} reduce-scatter(%x), channel_id=4, replica_groups={{0,1,2,3}}, dimensions={0}, to_apply=%add
  ROOT %o = (s32[], f32[8]) copy(%w)
}
"""


def test_counter_weights_ops_by_the_trip_counts_around_them():
  summary = hlo_collectives.summarize(hlo_collectives.collective_ops(_LOOPED, default_group=4))
  assert summary["all-reduce"]["executions"] == 21                    # 3 outer x 7 inner
  assert summary["all-reduce"]["wire_bytes"] == 21 * 2 * 3 / 4 * 32
  assert summary["collective-permute"]["payload_bytes"] == 21 * 12    # bf16[2,3]
  assert summary["all-gather"]["executions"] == 3 and summary["all-gather"]["payload_bytes"] == 3 * 128
  assert summary["reduce-scatter"]["payload_bytes"] == 4 * 8          # the unscattered operand


def test_a_collective_under_a_loop_without_a_trip_count_is_refused():
  hlo = _LOOPED.replace(', backend_config={"known_trip_count":{"n":"7"}}', "")
  with pytest.raises(ValueError, match="no known trip count"):
    hlo_collectives.collective_ops(hlo, default_group=4)


def test_a_loop_without_a_trip_count_and_without_collectives_does_not_matter():
  band_loop = ("%band (p: (s32[], f32[8])) -> (s32[], f32[8]) {\n  %p = (s32[], f32[8]) parameter(0)\n"
               "  ROOT %n = (s32[], f32[8]) negate(%p)\n}\n\nENTRY")
  hlo = _LOOPED.replace("ENTRY", band_loop).replace(
      "  %rs = ", "  %b = (s32[], f32[8]) while(%p), condition=%cond, body=%band\n  %rs = ")
  summary = hlo_collectives.summarize(hlo_collectives.collective_ops(hlo, default_group=4))
  assert summary["all-reduce"]["executions"] == 21 and summary["reduce-scatter"]["executions"] == 1
