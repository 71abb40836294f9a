"""`flow.objective`: the named objectives the paper compares, each a set of flow fields and the batch
split of its stages, so that a config, the throughput ladder and the 2-D check say "sfm" instead of
spelling out its pairs (paper Tab. 2 / Tab. 4; SoFlow's rules from its imagenet.yaml).

  fm       plain flow matching: target v, the FM term only (path-dropped examples learn the null
           label, so the model can be sampled with CFG)
  sfm      SoFlow's solution flow: FM : SCM = 0.75 : 0.25, guided target from the full network
           on the null label ('cfg')
  pdg_sfm  sfm with the Path-Drop Guided target (the weak path's unconditional velocity, Eq. 11)
  soflow   sfm with SoFlow's own rules: label drop 0.1 as one coin per example in the FM and the
           SCM group, guidance fading above t = 0.8
  eflow    pdg_sfm, and MVA in the dense stage (FM : SCM : MVA = 0.5 : 0.25 : 0.25, App. C.1)
  custom   none of these: the flow fields as written (the default)

A named objective's flow fields are checked against the config (validate_objective): changing
flow.guidance_target on the command line without changing flow.objective is a one-line error.
"""
import types

OBJECTIVE_FIELDS = ("guidance_target", "p_drop", "path_drop_mode", "scm_label_drop",
                    "guidance_decay_time")

_SFM = dict(guidance_target="cfg")
_SPLIT = types.MappingProxyType(dict(fm=0.75, scm=0.25))
_MVA_SPLIT = types.MappingProxyType(dict(fm=0.5, scm=0.25, mva=0.25))

# name -> (flow fields it sets, split of its stages without MVA, split of a dense stage with MVA)
OBJECTIVES = {
    "fm": (dict(guidance_target="none"), types.MappingProxyType(dict(fm=1.0)), None),
    "sfm": (_SFM, _SPLIT, _MVA_SPLIT),
    "pdg_sfm": (dict(guidance_target="pdg"), _SPLIT, _MVA_SPLIT),
    "soflow": (dict(_SFM, p_drop=0.1, path_drop_mode="bernoulli", scm_label_drop=0.1,
                    guidance_decay_time=0.8), _SPLIT, _MVA_SPLIT),
    "eflow": (dict(guidance_target="pdg"), _SPLIT, _MVA_SPLIT),
}


def objective_flow(name: str) -> dict:
  """The flow fields objective `name` sets (with `objective` itself); {} for 'custom'."""
  if name == "custom":
    return {}
  if name not in OBJECTIVES:
    raise ValueError(f"flow.objective={name!r} is unknown; use one of {', '.join([*OBJECTIVES, 'custom'])}.")
  return dict(OBJECTIVES[name][0], objective=name)


def objective_split(name: str, mva: bool = False) -> dict:
  """The batch split {term: share} of objective `name`'s stages (`mva`: of a dense stage with MVA)."""
  if name not in OBJECTIVES:
    raise ValueError(f"objective {name!r} is unknown; use one of {', '.join(OBJECTIVES)}.")
  _, plain, with_mva = OBJECTIVES[name]
  if mva and with_mva is None:
    raise ValueError(f"objective {name!r} has no MVA term; MVA needs a solution-flow objective.")
  return dict(with_mva if mva else plain)


def validate_objective(flow) -> None:
  """One-line ValueError when a named flow.objective and the flow fields it sets disagree."""
  name = flow.get("objective", "custom")     # configs written before the field: custom
  expected = objective_flow(name)
  for field in OBJECTIVE_FIELDS:
    if field in expected and flow[field] != expected[field]:
      raise ValueError(f"flow.objective={name!r} sets flow.{field}={expected[field]!r}, but it is "
                       f"{flow[field]!r}: change flow.objective too (to 'custom' to keep your fields).")
