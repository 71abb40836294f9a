# V26: batch larger than the set; V27: training on sets prepared at a height / frame count the model's patch does not divide
. /tmp/r26/env.sh
L=/tmp/r26/log; O2=/tmp/r26/out/b9; R2=/tmp/r26/runs
t() { n=$1; shift; rm -rf $R2/$n; m --config=tests/tiny_config.py:steps=6 --workdir=$R2/$n $RS "$@" > $L/$n.out 2>&1; echo "-- $n: $(grep -v '^step' $L/$n.out | cut -c1-500 | tail -4) [$(grep -c '^step' $L/$n.out) step lines] ckpts: $(ls $R2/$n/checkpoints 2>&1 | tr '\n' ' ')"; }
t v26 --config.data.path=$O/p02/train --config.data.batch_size=8
t v26b --config.data.path=$O/p02/train --config.data.batch_size=64
t v27h --config.data.path=$O2/g__height_15
t v27f --config.data.path=$O2/g__frames_3
