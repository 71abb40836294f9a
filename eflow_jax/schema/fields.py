"""How every section builder turns its defaults and a recipe's values into one ConfigDict.

A recipe passes its values into the builder, which writes each field once (no default that a later
line overwrites), and a misspelt field is a one-line error naming the section, not a silent new key.
"""
from collections.abc import Mapping

import ml_collections


def merged(section: str, defaults: Mapping, values: Mapping) -> dict:
  """defaults updated by values; a key of `values` not in `defaults` is a ValueError."""
  unknown = sorted(set(values) - set(defaults))
  if unknown:
    raise ValueError(f"{section}: unknown field{'s' * (len(unknown) > 1)} {', '.join(unknown)}; "
                     f"known: {', '.join(sorted(defaults))}.")
  return {**defaults, **values}


def build(section: str, defaults: Mapping, values: Mapping) -> ml_collections.ConfigDict:
  return ml_collections.ConfigDict(merged(section, defaults, values))
