"""Importing eflow_jax, or loading and calling a Pipeline, inside a program leaves the program's root
logger as it found it.

absl.logging.log calls logging.basicConfig() whenever the root logger has no handler, and Orbax and
grain log through absl at import and when a checkpoint is read; without this, a program that imports
eflow_jax.pipeline gets a stderr handler on its root logger, and its own logging.basicConfig(...)
afterwards does nothing, without a word. A program that configured logging first is not touched:
absl adds nothing then.
"""
import contextlib
import logging
import sys


def _added_by_absl(handler: logging.Handler) -> bool:
  """The handler logging.basicConfig() with no arguments makes: a plain StreamHandler on stderr."""
  return type(handler) is logging.StreamHandler and handler.stream is sys.stderr


@contextlib.contextmanager
def as_found():
  """Inside the block absl may add its handler (its messages print as before); on the way out it is
  removed again if the root logger had no handler on the way in. Usable as a decorator."""
  had_none = not logging.root.handlers
  try:
    yield
  finally:
    if had_none:
      for handler in [h for h in logging.root.handlers if _added_by_absl(h)]:
        logging.root.removeHandler(handler)
