# Part A: V07 (memory pre-check of identity-autoencoder record-set models) re-run (. /tmp/r27/env.sh)
. /tmp/r27/env.sh
L=/tmp/r27/log; O2=/tmp/r27/out2/a; mkdir -p $O2
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v WARNING $L/$n.out | tail -4 | cut -c1-700)"; }
[ -d $O/t2vex ] || ex --workdir=$T2V --output=$O/t2vex > $L/A_t2vex_export.out 2>&1
s A_v07_est py -c "
import time
from eflow_jax import Pipeline, sample_limits
for src in ('$O/t2vex', '$R/rs'):
  p = Pipeline.from_pretrained(src) if src.endswith('t2vex') else Pipeline.from_workdir(src)
  print(src, 'decoded clip shape', sample_limits.decoded_clip_shape(p.config, p.example_shape, p.manifest))
  for n in (30000, 6000):
    try: sample_limits.check_memory('check', n, p.config, p.example_shape, manifest=p.manifest); print(n, 'passes check_memory')
    except MemoryError as e: print(n, 'MemoryError', e)
t = time.time(); out = p(class_ids=[0] * 6000, steps=1, seed=0); print('rs 6000 clips:', out.shape, out.dtype, round(time.time() - t, 1), 's')
"
s A_v07_rs m --config=$CFG $RS --config.data.path=$O/p02/train --mode=sample --workdir=$R/rs --output=$O2/v07rs --num_samples=6000
