# D05 part 2: the card's sentence on skipped updates, from a copy of the base run whose step-12 meta says nonfinite_steps=3
# D06: a run trained with --config.flow.sampler=one_step, exported, its card and a sample from the export
. $(dirname $0)/common.sh
D=$W/d05b; rm -rf $D; mkdir -p $D; cp -r $B $D/run
python -c "
import json; p='$D/run/checkpoints/12/meta/metadata'; d=json.load(open(p)); d['nonfinite_steps']=3; json.dump(d,open(p,'w'))"
TAILN=3 s d05b ex --workdir=$D/run --output=$D/exp
grep -n "skipped" $D/exp/README.md
D=$W/d06; rm -rf $D; mkdir -p $D
s d06_train m --config=$TINY:steps=4 --workdir=$D/run --config.flow.sampler=one_step
TAILN=3 s d06 ex --workdir=$D/run --output=$D/exp
grep -n "pipe(\|sampler" $D/exp/README.md
s d06_call py -c "
import eflow_jax, numpy as np
p = eflow_jax.Pipeline.from_pretrained('$D/exp'); print(p.config.flow.sampler, p.config.flow.inference_steps)
v = p(class_ids=[0, 1, 2], steps=1); print(v.shape, v.dtype, v.mean())"
