"""One Pipeline called from 4 threads at once (different class ids, steps and seeds), against the same calls
made one after the other: pipe_threads.py EXPORT"""
import sys, threading
import numpy as np
import eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
calls = [dict(class_ids=[1, 2], steps=2, seed=0), dict(class_ids=[3], steps=1, seed=5),
         dict(class_ids=[4, 5, 6], steps=4, seed=9), dict(class_ids=[7, 8], steps=3, seed=2, guidance=3.0)]
serial = [np.asarray(pipe(**kw)) for kw in calls]
got, errors = [None] * len(calls), []
def work(i):
  try: got[i] = np.asarray(pipe(**calls[i]))
  except Exception as e: errors.append((i, type(e).__name__, str(e)[:200]))
for rnd in range(3):
  got = [None] * len(calls)
  ts = [threading.Thread(target=work, args=(i,)) for i in range(len(calls))]
  [t.start() for t in ts]; [t.join() for t in ts]
  print("round", rnd, "equal to serial:", [g is not None and np.array_equal(g, s) for g, s in zip(got, serial)])
print("errors", errors)
