"""JSON files that carry the sha256 of their own content (`written_sha256`), by which a reader tells
a file as its writer left it from one edited by hand: an export's config.json (a re-export keeps an
edited one aside: tools/export.py) and the reports a sweep reuses instead of measuring again
(benchmarks/sweeps/ablation_sweep.py: an edited score is not a measurement)."""
import hashlib
import json

KEY = "written_sha256"


def _digest(value: dict) -> str:
  return hashlib.sha256(json.dumps(value, indent=1).encode()).hexdigest()


def with_own_digest(value: dict) -> str:
  """`value` as indented JSON text with, last, the sha256 of that text without the KEY."""
  rest = {k: v for k, v in value.items() if k != KEY}
  return json.dumps({**rest, KEY: _digest(rest)}, indent=1)


def matches(parsed) -> bool | None:
  """Whether a parsed file's values are those its digest was made of (a new layout or key order of
  the same values still differs: json.dumps keeps order); None when it carries no digest (written
  before digests, or by something else)."""
  if not isinstance(parsed, dict) or KEY not in parsed:
    return None
  return _digest({k: v for k, v in parsed.items() if k != KEY}) == parsed[KEY]
