# Pipeline API edges (base export $EX, text export): seeds of odd types, mixed prompt lists, pickle/deepcopy, latents+decode
import copy, hashlib, pickle, sys, multiprocessing as mp
from fractions import Fraction
import numpy as np
from eflow_jax import Pipeline
EX, T2VEX, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
h = lambda o: hashlib.md5(np.asarray(o).tobytes()).hexdigest()[:10]
def tryit(label, f):
  try: out = f(); print(label, '->', 'ok', getattr(out, 'shape', ''), h(out), flush=True); return out
  except BaseException as e: print(label, '->', type(e).__name__, str(e)[:400], flush=True)
p = Pipeline.from_pretrained(EX)
if CASE == 'seeds':
  tryit("seed=3 (reference)", lambda: p(class_ids=[1, 2], steps=2, seed=3))
  for s in ('3', b'3', 10**30, Fraction(3, 1), np.float32(3), -2**31, np.int8(-1), 3 + 0j):
    tryit(f"seed={s!r}", lambda: p(class_ids=[1, 2], steps=2, seed=s))
if CASE == 'copies':
  ref = tryit("original", lambda: p(class_ids=[1, 2], steps=2, seed=3))
  q = tryit("copy.deepcopy", lambda: copy.deepcopy(p))
  if q is not None: tryit("deepcopy call", lambda: q(class_ids=[1, 2], steps=2, seed=3))
  b = tryit("pickle.dumps", lambda: np.frombuffer(pickle.dumps(p), np.uint8))
  if b is not None:
    r = pickle.loads(b.tobytes()); tryit("unpickled call", lambda: r(class_ids=[1, 2], steps=2, seed=3))
  def child(q):
    try: q.put(h(p(class_ids=[1, 2], steps=2, seed=3)))
    except BaseException as e: q.put(f"{type(e).__name__}: {str(e)[:300]}")
  for method in ('spawn', 'fork'):
    ctx = mp.get_context(method); qu = ctx.Queue(); pr = ctx.Process(target=child, args=(qu,)); pr.start(); pr.join(240)
    print(f"child process ({method}) ->", qu.get(timeout=5) if not qu.empty() else f'no result, exitcode {pr.exitcode}', flush=True)
if CASE == 'latents':
  ref = tryit("pipe(class_ids=[1, 2], steps=2, seed=3)", lambda: p(class_ids=[1, 2], steps=2, seed=3))
  lat = tryit("latents(conditions(...))", lambda: p.latents(p.conditions(class_ids=[1, 2]), steps=2, seed=3))
  tryit("decode(latents)", lambda: p.decode(lat))
  tryit("decode(latents as float64)", lambda: p.decode(np.asarray(lat, np.float64)))
  tryit("decode(latents as float16)", lambda: p.decode(np.asarray(lat, np.float16)))
  tryit("decode(one clip, no batch axis)", lambda: p.decode(np.asarray(lat)[0]))
  tryit("decode(latents transposed to channels-first)", lambda: p.decode(np.moveaxis(np.asarray(lat), -1, 1)))
  tryit("decode(latents * 100)", lambda: p.decode(np.asarray(lat) * 100))
if CASE == 'prompts':
  t = Pipeline.from_pretrained(T2VEX)
  tryit("3 prompts", lambda: t(prompts=["clip number 1 moving", "clip number 2 moving", "clip number 3 moving"], steps=2, seed=0))
  tryit("middle one empty", lambda: t(prompts=["clip number 1 moving", "", "clip number 3 moving"], steps=2, seed=0))
  tryit("middle one unicode + emoji", lambda: t(prompts=["clip number 1 moving", "клип номер 2 🎬 движется", "clip number 3 moving"], steps=2, seed=0))
  tryit("middle one 10000 chars", lambda: t(prompts=["clip number 1 moving", "clip number 2 moving " * 500, "clip number 3 moving"], steps=2, seed=0))
  tryit("middle one 8 tokens then other words", lambda: t(prompts=["clip number 1 moving", "clip number 2 moving and then a red car", "clip number 3 moving"], steps=2, seed=0))
  a = t(prompts=["clip number 2 moving"], steps=2, seed=0); b = t(prompts=["clip number 2 moving " * 500], steps=2, seed=0)
  print("one prompt vs the same prompt repeated 500x: identical clips?", bool((a == b).all()), flush=True)
