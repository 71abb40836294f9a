"""JSON files that carry the sha256 of their own content (`written_sha256`), by which a reader tells
a file as its writer left it from one edited by hand: an export's config.json (a re-export keeps an
edited one aside: tools/export.py) and the reports a sweep reuses instead of measuring again
(benchmarks/sweeps/ablation_sweep.py: an edited score is not a measurement)."""
import hashlib
import json

KEY = "written_sha256"


def _digest(value: dict, *, sort_keys: bool = True) -> str:
  return hashlib.sha256(json.dumps(value, indent=1, sort_keys=sort_keys).encode()).hexdigest()


def with_own_digest(value: dict) -> str:
  """`value` as indented JSON text with, last, the sha256 of its values without the KEY (keys sorted:
  a tool that re-sorts or re-indents the file changes no value)."""
  rest = {k: v for k, v in value.items() if k != KEY}
  return json.dumps({**rest, KEY: _digest(rest)}, indent=1)


def matches(parsed) -> bool | None:
  """Whether a parsed file's values are those its digest was made of, whatever their layout or key
  order (files written before the digest sorted keys: in their written order); None when it carries
  no digest (written before digests, by something else, or the digest was removed)."""
  if not isinstance(parsed, dict) or KEY not in parsed:
    return None
  rest = {k: v for k, v in parsed.items() if k != KEY}
  return parsed[KEY] in (_digest(rest), _digest(rest, sort_keys=False))
