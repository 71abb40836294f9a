"""The export's model card (README.md) is written to be read and edited: a hub shows it, and users
add their own results before sharing. A re-export writes a new card, so it must know an edited one
from its own. The card ends in a mark holding the sha256 of the text above it: a card whose text no
longer matches its mark (or that has none: written before the mark, or by the user) is kept under
another name, never written over."""
import hashlib
import os
import re
import sys

from eflow_jax.atomic_io import free_name

_MARK = re.compile(r"\n<!-- written by eflow_jax export, sha256 ([0-9a-f]{64}) -->\n\Z")


def with_mark(card: str) -> str:
  """`card` followed by its mark (an HTML comment: invisible where the card is rendered)."""
  card = card if card.endswith("\n") else card + "\n"
  return f"{card}\n<!-- written by eflow_jax export, sha256 {hashlib.sha256(card.encode()).hexdigest()} -->\n"


def is_unedited(text: str) -> bool:
  """Whether `text` is a card as the export wrote it: its mark names the sha256 of the text above."""
  found = _MARK.search(text)
  return bool(found) and hashlib.sha256(text[:found.start()].encode()).hexdigest() == found.group(1)


def keep_edited_card(path: str) -> str | None:
  """Renames the card at `path` to a free `README.edited[-k].md` when it is not as the export wrote
  it, saying so in one line; returns the new name (None: no card, or an unedited one)."""
  try:
    with open(path, encoding="utf-8", errors="replace") as f:
      text = f.read()
  except FileNotFoundError:
    return None
  if is_unedited(text):
    return None
  stem, ext = os.path.splitext(path)
  target = free_name(f"{stem}.edited", ext)
  os.rename(path, target)
  print(f"{path} is not the card the export wrote (edited, or written before cards carried their mark): kept as "
        f"{target}, and a new card written.", file=sys.stderr, flush=True)
  return target
