# resumes with overrides on copies of $B / $R/rs: total_steps below the checkpoint's step, other stage boundaries, log_every 0, a stage's data_path to another set
. $(dirname $0)/common.sh
D=$W/r; rm -rf $D; mkdir -p $D
cp -r $B $D/a; TAILN=4 s e30a m --config=$TINY:steps=8 --workdir=$D/a; ls $D/a/checkpoints
cp -r $B $D/b; TAILN=5 s e30b m --config=$TINY:steps=16 --workdir=$D/b --config.curriculum.stage1.fraction=0.9 --config.curriculum.stage2.fraction=0.1; ls $D/b/checkpoints
grep -o '"step": 1[3-6][^}]*' $D/b/metrics.jsonl | cut -c1-120 | head -4
cp -r $B $D/c; TAILN=4 s e30c m --config=$TINY:steps=14 --workdir=$D/c --config.log_every=0; ls $D/c/checkpoints; tail -c 300 $D/c/metrics.jsonl
cp -r $R/rs $D/d; TAILN=4 s e30d m --config=$TINY:steps=14 --workdir=$D/d $RS --config.data.path=$O/p02/train --config.curriculum.stage2.data_path=$W/mp/s29; ls $D/d/checkpoints
