"""Cases found by round 34 of docs/misuse/ (each test names its case): an export's config.json whose
sampling defaults were edited by hand, and the count of skipped updates around a halted run."""
import json
import os

import pytest

from eflow_jax import pipeline
from test_pipeline_misuse import copy_of, export_dir, run_dir  # noqa: F401  (module fixtures)


@pytest.mark.parametrize("field, value, said", [
    ("inference_steps", 0, "config.flow.inference_steps=0 must be >= 1."),
    ("inference_steps", 10**6, "config.flow.inference_steps=1000000 is more sampler steps than any sampler uses"),
    ("inference_steps", 4.0, "config.flow.inference_steps=4.0 must be a whole number >= 1."),
    ("w_inf", -1.0, "config.flow.w_inf=-1.0 must be >= 0"),
    ("w_inf", float("nan"), "config.flow.w_inf=nan"),
    ("sampler", "alg3", "config.flow.sampler='alg3' is unknown")])
def test_an_export_whose_sampling_defaults_were_edited_is_refused_at_load(export_dir, tmp_path, field, value, said):
  """D09, D10, D11: config.json's flow section is outside its digests; edited to 0 or 10**6 steps, a
  negative or NaN w_inf or an unknown sampler, the export loaded, and the first call failed naming
  no file (0 steps, NaN: 'the weights are damaged'), sampled for hours (10**6) or sampled a guidance
  the argument refuses (-1)."""
  export = copy_of(export_dir, tmp_path)
  path = os.path.join(export, "config.json")
  description = json.load(open(path))
  description["config"]["flow"][field] = value
  json.dump(description, open(path, "w"))
  with pytest.raises(pipeline.CorruptExportError) as refused:
    pipeline.Pipeline.from_pretrained(export)
  assert str(refused.value).startswith(f"{path}: {said}") and "Fix the value, or export the run again." in str(
      refused.value), refused.value
