# V10-V12: training overrides of nested stage fields with wrong types; sample_every / checkpoint.every_steps 0 or negative
. /tmp/r26/env.sh
L=/tmp/r26/log; R2=/tmp/r26/runs
t() { n=$1; shift; rm -rf $R2/$n; m --config=tests/tiny_config.py:steps=3 --workdir=$R2/$n "$@" > $L/$n.out 2>&1; echo "-- $n $*: $(grep -v WARNING $L/$n.out | grep -v '^step' | cut -c1-400 | tail -4)"; [ -d $R2/$n ] && echo "   workdir: $(ls $R2/$n 2>&1 | tr '\n' ' ') ckpts: $(ls $R2/$n/checkpoints 2>&1 | tr '\n' ' ') samples: $(ls $R2/$n/samples 2>/dev/null | wc -l)"; }
echo "== V10 stage fields"
t v10_a --config.curriculum.stage1.drop_ratio=abc
t v10_b --config.curriculum.stage1.drop_ratio=1.5
t v10_c --config.curriculum.stage1.fraction=0.5x
t v10_d --config.curriculum.stage3.drop_ratio=0.1
t v10_e --config.curriculum.stage1.lr=-1
t v10_f --config.curriculum.stage1.ratios.fm=2
t v10_g --config.curriculum.stage1.batch_size=3
t v10_h --config.curriculum.stage1.steps=2.5
t v10_i --config.curriculum.stage1.ratios.fmm=0.5
t v10_j --config.curriculum.stage2.name=7
t v10_k --config.curriculum.stage1.fraction=0.3
t v10_l --config.curriculum.stage1.drop_ratio=True
echo "== V11 sample_every / every_steps"
t v11_a --config.sample_every=0
t v11_b --config.sample_every=-1
t v11_c --config.checkpoint.every_steps=0
t v11_d --config.checkpoint.every_steps=-5
t v11_e --config.checkpoint.max_to_keep=0
t v11_f --config.checkpoint.max_to_keep=-1
t v11_g --config.sample_every_minutes=-1
t v11_h --config.log_every=0
