"""Text Pipeline: prompts differing only by whitespace kinds give the same clips? a blank one in a batch warns?"""
import sys, warnings
import numpy as np
import eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
base = pipe(prompts=["digit 3 moving up", "digit 5 moving down"], steps=2, seed=0)
for ps in (["digit\t3 moving up", "digit\u00a05  moving down\n"], [" digit 3 moving up ", "digit 5 moving\r\ndown"]):
  v = pipe(prompts=ps, steps=2, seed=0)
  print(repr(ps), "equal to plain:", np.array_equal(v, base))
v = pipe(prompts=["digit 3 moving up", " \t "], steps=2, seed=0)
print("with a blank second prompt: first clip equal:", np.array_equal(v[0], base[0]), "second clip differs:", not np.array_equal(v[1], base[1]))
