"""The sampling settings of an export's config.json that a call without arguments uses, checked at
load as the call's own arguments are. The flow section is outside config.json's digests (a sampler
setting is the reader's to change), so an edit by hand reached the sampler: 0 or 10**6 steps failed
at the first call naming no file or ran for hours, a negative guidance or inference shift sampled
saturated clips, NaN blamed the weights."""
from __future__ import annotations

from eflow_jax import cli_checks, sample_limits


def problem(flow: dict) -> str | None:
  """Why a value of `flow` (an export's config.flow, as JSON) is one a call would refuse, or None."""
  checks = (("sampler", cli_checks.check_sampler), ("w_inf", cli_checks.check_guidance),
            ("unguided_w", cli_checks.check_guidance), ("inference_steps", _check_steps),
            ("inference_shift", _check_shift))
  for field, check in checks:
    try:
      if field in flow:
        check(f"config.flow.{field}", flow[field])
    except ValueError as e:
      return str(e)
  return None


def _check_steps(name: str, steps) -> None:
  cli_checks.check_integer(name, steps, 1)
  sample_limits.check_steps(name, steps)


def _check_shift(name: str, shift) -> None:
  """The time shift of the sampler's grid (docs/method.md §6): finite and > 0, as training requires."""
  cli_checks.check_finite(name, shift)
  if not shift > 0:
    raise ValueError(f"{name}={shift} must be > 0 (1 = no shift), as training requires.")
