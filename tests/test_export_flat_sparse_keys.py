"""An export written before VideoDiT held its SLA / VSA knobs as one SparseSpec still loads as the
network it was trained as: its config.json keeps them as flat model.sla_* / vsa_* keys
(tests/fixtures/export_flat_sparse_keys/provenance.json says how and at which commit it was made)."""
import json
import os

import numpy as np

import eflow_jax
from eflow_jax.models.attention import SparseSpec

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "export_flat_sparse_keys")
# The knobs the fixture was trained with, written out by hand (none of them is a default).
TRAINED_WITH = SparseSpec(sla_block_q=16, sla_block_k=16, sla_critical=0.25, sla_negligible=0.0,
                          sla_feature_map="elu", vsa_cube=(1, 4, 4), vsa_topk=3, vsa_gate="linear")


def test_the_fixture_holds_flat_sparse_keys():
  with open(os.path.join(FIXTURE, "config.json")) as f:
    model = json.load(f)["config"]["model"]
  assert model["attention"] == "sla" and "sparse" not in model
  assert {k: v for k, v in model.items() if k.startswith(("sla_", "vsa_"))} == {
      "sla_block_q": 16, "sla_block_k": 16, "sla_critical": 0.25, "sla_negligible": 0.0,
      "sla_feature_map": "elu", "vsa_cube": [1, 4, 4], "vsa_topk": 3, "vsa_gate": "linear"}


def test_an_old_export_loads_and_samples_the_clips_it_sampled_when_written():
  pipe = eflow_jax.Pipeline.from_pretrained(FIXTURE)     # checksums, every tensor's shape checked
  assert pipe.model.sparse == TRAINED_WITH
  videos = np.asarray(pipe(class_ids=[1, 2, 3], steps=2, guidance=2.0, seed=0)).astype(np.int32)
  before = np.load(os.path.join(FIXTURE, "clips_before.npy")).astype(np.int32)
  # Bit for bit on the machine that wrote it; another CPU's float rounding may move a pixel one level.
  difference = np.abs(videos - before)
  assert videos.shape == before.shape and difference.max() <= 1 and (difference > 0).mean() < 0.01
