"""Config files: loading one by path (`configs/x.py[:arg]`), and its `:arg` options parsed strictly."""
import importlib.util
import os

# How `parse_options` shows a value option's type in its list of known options.
_VALUE_KINDS = {int: "N", float: "X", str: "S"}


def shown_path(path: str) -> str:
  """`path` as the user likely typed it: relative to the working directory when inside it."""
  relative = os.path.relpath(path)
  return path if relative.startswith("..") else relative


def parse_options(arg: str | None, config_file: str, *, flags=(), values=None, one_of=None, minimum=None) -> dict:
  """A run config's `:arg` (comma-separated `word`s and `name=value`s) -> {option: value}.

  flags: words that are True when given, else False (`runlocal`). values: {name: default} set with
  `name=value` and parsed as type(default) (int, float or str); minimum: {name: lowest value} a given
  value must reach (its default may be a "not given" below it, demo's steps=0). one_of: (name, words): exactly one
  of `words` must be given (an ablation table's row); it is returned under `name`. Anything else is
  a ValueError naming `config_file` and the known options: a misspelt option must not silently
  leave the default in place.
  """
  values = values or {}
  choice, choices = one_of or ("", ())
  known = [*flags, *(f"{k}={_VALUE_KINDS[type(v)]}" for k, v in values.items())]
  known += [f"one {choice} of {', '.join(choices)}"] if choices else []

  def error(what, problem=""):
    return ValueError(f"{what} for {shown_path(config_file)}{problem}; known: {'; '.join(known) or 'none'}.")

  out, chosen = {**{f: False for f in flags}, **values}, []
  for option in filter(None, (a.strip() for a in (arg or "").split(","))):
    name, has_value, text = (part.strip() for part in option.partition("="))
    if name in values and has_value:
      try:
        out[name] = type(values[name])(text)
      except ValueError:
        kind = type(values[name]).__name__
        raise error(f"config option {option!r}", f": {text!r} is not a valid {kind}") from None
      if name in (minimum or {}) and out[name] < minimum[name]:
        raise error(f"config option {option!r}", f": must be >= {minimum[name]}")
    elif name in values or (has_value and (name in flags or name in choices)):
      raise error(f"malformed config option {option!r}")
    elif name in flags:
      out[name] = True
    elif name in choices:
      chosen.append(name)
    else:
      raise error(f"unknown config option {name!r}")
  if choices:
    if len(chosen) != 1:
      raise error(f"config {choice}s {', '.join(chosen)} given" if chosen else f"no config {choice} given")
    out[choice] = chosen[0]
  return out


def load_module(path: str):
  """Imports a Python file by path (config files are not a package)."""
  if not os.path.exists(path):
    raise FileNotFoundError(f"config file {path} not found.")
  spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def load_config(path_and_arg: str):
  """Loads `configs/x.py[:arg]` the way ml_collections' config_flags does, for scripts and tests."""
  path, _, arg = path_and_arg.partition(":")
  module = load_module(path)
  return module.get_config(arg) if arg else module.get_config()
