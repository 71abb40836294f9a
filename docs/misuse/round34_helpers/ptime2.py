# D07 part 2: the same export in a fresh process with the probe stubbed out, and with it, for the difference
import sys, time, shutil
from eflow_jax.tools import export, export_probe
run, stub = sys.argv[1], sys.argv[2] == "stub"
out = "/tmp/r34/work/d07exp_" + sys.argv[2]; shutil.rmtree(out, ignore_errors=True)
if stub: export_probe.check_samples_finite = lambda *a, **k: None
t = time.time(); export.export(run, out); print(f"export() with probe {'stubbed' if stub else 'on'}: {time.time()-t:.1f}s")
