# X17: T5TextEncoder.check_captions_kept_apart on 10000 unique captions (prepare_data calls it before any shard), timed
import sys, time
from eflow_jax.text import T5TextEncoder
enc = T5TextEncoder(sys.argv[1], text_length=int(sys.argv[2]))
caps = ["".join("abcdefghijklmnopqrstuvwxyz"[(i // 26 ** k) % 26] for k in range(3)) + " cat video" for i in range(10000)]
caps = ["".join("abcdefghijklmnopqrstuvwxyz"[(i // 26 ** k) % 26] for k in range(3)) + " cat video" for i in range(10000)]
print("unique captions:", len(set(caps)))
t = time.time()
try:
  enc.check_captions_kept_apart(caps); print("accepted")
except ValueError as e:
  print("refused:", e)
print(f"check took {time.time() - t:.2f} s")
