"""Scale the float32 bytes [start, end) of a file in place by a factor (a 'fine-tuned middle layer':
same size, same header, first and last MiB untouched)."""
import sys
import numpy as np
path, start, end, factor = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
with open(path, "r+b") as f:
  f.seek(start)
  x = np.frombuffer(f.read(end - start), np.float32).copy()
  f.seek(start)
  f.write((x * factor).astype(np.float32).tobytes())
print("scaled", (end - start) // 4, "floats")
