# E2 again with a small I3D reference (eval.i3d_clips=4) so it fits the 280 s limit
. $(dirname $0)/common.sh
D=$O2/b5; mkdir -p $D
rm -rf $R2/e2; cp -r $B $R2/e2
/usr/bin/time -f "wall %e s" bash -c ". /tmp/r27/env.sh; m --config=$CFG $EV --mode=eval --workdir=$R2/e2 --output=$D/e2.json --config.eval.use_i3d=True --config.eval.i3d_clips=4" > $L/e2_small.out 2>&1
grep -v "WARNING:absl" $L/e2_small.out | tail -4 | cut -c1-600
python -c "import json; d=json.load(open('$D/e2.json')); print({k: d[k] for k in d if 'fvd' in k.lower() or 'i3d' in k.lower()})" 2>&1 | tail -1
