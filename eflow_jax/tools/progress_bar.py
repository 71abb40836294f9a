"""A progress bar for prepare_data's videos (encoding a large set takes hours)."""
from __future__ import annotations

import sys
import time


def progress_bar(total: int, desc: str):
  """tqdm's bar on stderr, or a counter line where tqdm (an extra of prepare) is not installed."""
  try:
    from tqdm import tqdm  # pylint: disable=g-import-not-at-top
    return tqdm(total=total, desc=desc, unit="video", file=sys.stderr, mininterval=2.0)
  except ImportError:
    class _Simple:
      def __init__(self):
        self.n, self.t = 0, time.time()
      def update(self, k=1):
        self.n += k
        print(f"\r{desc}: {self.n}/{total} videos ({time.time() - self.t:.0f}s)", end="",
              file=sys.stderr, flush=True)
      def close(self):
        print(file=sys.stderr)
    return _Simple()
