# D07: the cost of export's probe: wall time of export() against Pipeline.from_workdir + check_samples_finite alone
import sys, time, shutil
t0 = time.time()
from eflow_jax.tools import export, export_probe
from eflow_jax.pipeline import Pipeline
run = sys.argv[1]; out = "/tmp/r34/work/d07exp"; shutil.rmtree(out, ignore_errors=True)
t1 = time.time(); export.export(run, out); t2 = time.time()
pipe = Pipeline.from_workdir(run); t3 = time.time()
meta = export.checkpoint_meta(run, pipe.step)
export_probe.check_samples_finite(pipe, run, meta); t4 = time.time()
export_probe.check_samples_finite(pipe, run, meta); t5 = time.time()
print(f"import {t1-t0:.1f}s; export() {t2-t1:.1f}s; from_workdir {t3-t2:.1f}s; probe (1st in this process) {t4-t3:.2f}s; probe again {t5-t4:.2f}s")
print("probe shape", pipe.example_shape, "sampler", pipe.config.flow.sampler, pipe.config.flow.inference_steps)
