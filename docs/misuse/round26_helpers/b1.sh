# V01 V03 V16: quick CLI cases on copies of the base run (. /tmp/r26/env.sh first)
. /tmp/r26/env.sh
L=/tmp/r26/log; O2=/tmp/r26/out; R2=/tmp/r26/runs; mkdir -p $L $O2 $R2
r() { n=$1; shift; m "$@" > $L/$n.out 2>&1; echo "-- $n: $(grep -v WARNING $L/$n.out | cut -c1-500)"; }
rm -rf $R2/v01 $O2/v01; cp -r $B $R2/v01; mkdir -p $O2/v01; ln -s $R2/v01/checkpoints $O2/v01/ck; ln -s $R2/v01/checkpoints/12 $O2/v01/s12
ln -s $R2/v01 $O2/v01/runlink
echo "== V01 metrics_dir through symlinks into checkpoints/"
r v01a --config=$CFG $EV --mode=eval --workdir=$R2/v01 --output=$O2/v01/a.json --config.eval.metrics_dir=$O2/v01/ck/mc
r v01b --config=$CFG $EV --mode=eval --workdir=$R2/v01 --output=$O2/v01/b.json --config.eval.metrics_dir=$O2/v01/s12
r v01c --config=$CFG $EV --mode=eval --workdir=$O2/v01/runlink --output=$O2/v01/c.json --config.eval.metrics_dir=$R2/v01/checkpoints/x
r v01d --config=$CFG $EV --mode=eval --workdir=$R2/v01 --output=$O2/v01/d.json --config.eval.metrics_dir=$R2/v01/checkpoints/../checkpoints/mc
ls $R2/v01/checkpoints $R2/v01/checkpoints/12 $O2/v01
echo "== V03 sample --output odd names"
rm -rf $O2/v03; mkdir -p $O2/v03
for o in x.GIF.webm x.tar name. .gif x.Mp4 x.mkv x.jpeg x.gif. "x gif" x.avi x.npz; do r "v03_$o" --config=$CFG --mode=sample --workdir=$B --output="$O2/v03/$o" --num_samples=2; done
ls -la $O2/v03
echo "== V16 class_id out of range, prompt with class_id"
for c in 10 -1 99999; do r v16_$c --config=$CFG --mode=sample --workdir=$B --output=$O2/v16_$c --num_samples=2 --class_id=$c; done
r v16_p --config=$CFG --mode=sample --workdir=$B --output=$O2/v16_p --num_samples=2 --class_id=1 --prompt="a cat"
r v16_t2v_c --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$O2/v16_tc --num_samples=2 --class_id=1 --prompt="clip number 1 moving"
r v16_t2v_c2 --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$O2/v16_tc2 --num_samples=2 --class_id=1
ls $O2 | grep v16
