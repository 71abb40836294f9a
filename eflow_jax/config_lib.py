"""Run config files for the command line: loading one (`configs/x.py[:arg]`) and turning an error
raised while loading it into one line that names the config file's line.

Run configs are python files with `get_config(arg)`, one per run family, each writing its recipe out
with eflow_jax/schema (every field's default and check). `arg` is a comma-separated list of options
that each config declares with `parse_options` (`configs/kinetics.py:variant=XL,runlocal`).
"""
import os
import sys
import traceback

from eflow_jax.schema.options import load_config, load_module, parse_options, shown_path as _shown  # noqa: F401

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def _under(filename: str, *roots: str) -> bool:
  return any(os.path.abspath(filename).startswith(root + os.sep) for root in roots)


def _is_config_source(filename: str) -> bool:
  """A frame of a config file: not eflow_jax, the Python installation or a frozen module."""
  return not filename.startswith("<") and not _under(filename, _PACKAGE, sys.prefix, sys.base_prefix,
                                                     sys.exec_prefix)


def config_error_message(error: BaseException) -> str | None:
  """One line for an exception raised loading a config file or in its get_config, else None.

  Finds the original exception under the wrappers (ml_collections' config_flags and absl re-raise
  it, or defer an OSError to the config's first access) and names the deepest line of a config
  file: `configs/x.py:7: NameError: name 'foo' is not defined`. A ValueError or FileNotFoundError
  raised by eflow_jax (config_lib, stage_config...) keeps its own message: it names the option.
  """
  while True:
    inner = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    if inner is None:
      break
    error = inner
  message = " ".join(str(error).split())
  if isinstance(error, SyntaxError) and error.filename and _is_config_source(error.filename):
    return f"{_shown(error.filename)}:{error.lineno}: {type(error).__name__}: {error.msg}"
  frames = traceback.extract_tb(error.__traceback__)
  first_library = next((i for i, f in enumerate(frames) if not _is_config_source(f.filename)), len(frames))
  ours = [f for f in frames[first_library:] if _is_config_source(f.filename)]   # below the loader
  if not ours:
    return None
  if isinstance(error, (ValueError, FileNotFoundError)) and _under(frames[-1].filename, _PACKAGE):
    return message
  return f"{_shown(ours[-1].filename)}:{ours[-1].lineno}: {type(error).__name__}: {message}"
