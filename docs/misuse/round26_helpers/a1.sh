. /tmp/r26/env.sh
A=/tmp/r26/a; O2=/tmp/r26/out; R2=/tmp/r26/runs; mkdir -p $O2 $R2
rm -rf $R2/u02 $O2/u02; cp -r $B $R2/u02; mkdir -p $O2/u02/work; echo notes > $O2/u02/work/notes.txt; md5sum $O2/u02/work/notes.txt
echo "== U03"; (cd $O2/u02/work && PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$WT/$CFG $EV --mode=eval --workdir=$R2/u02 --output=$O2/u02/b.json --config.eval.metrics_dir=$O2/u02/work/notes.txt > $A/u03.out 2>&1; echo rc=$?); grep -v WARNING $A/u03.out | cut -c1-400; md5sum $O2/u02/work/notes.txt; ls $O2/u02
rm -rf $R2/u06; cp -r $B $R2/u06
echo "== U06a metrics_dir=checkpoints/mc"; m --config=$CFG $EV --mode=eval --workdir=$R2/u06 --output=$O2/u06r.json --config.eval.metrics_dir=$R2/u06/checkpoints/mc > $A/u06a.out 2>&1; grep -v WARNING $A/u06a.out|cut -c1-400; ls $R2/u06/checkpoints
echo "== U06b checkpoints/12/mc"; m --config=$CFG $EV --mode=eval --workdir=$R2/u06 --output=$O2/u06r2.json --config.eval.metrics_dir=$R2/u06/checkpoints/12/mc > $A/u06b.out 2>&1; grep -v WARNING $A/u06b.out|cut -c1-400; ls $R2/u06/checkpoints $R2/u06/checkpoints/12
echo "== U06c classifier_path inside checkpoints"; m --config=$CFG $EV --mode=eval --workdir=$R2/u06 --output=$O2/u06r3.json --config.eval.classifier_path=$R2/u06/checkpoints/12/c.npz > $A/u06c.out 2>&1; grep -v WARNING $A/u06c.out|cut -c1-400
echo "== U06d i3d_reference_path inside checkpoints"; m --config=$CFG $EV --mode=eval --workdir=$R2/u06 --output=$O2/u06r4.json --config.eval.i3d_reference_path=$R2/u06/checkpoints/ref.npz > $A/u06d.out 2>&1; grep -v WARNING $A/u06d.out|cut -c1-400; ls $R2/u06/checkpoints; ls $O2
echo "== U23"; rm -rf $O2/u22; mkdir -p $O2/u22
for o in a.png b.txt g.webm c.GIF e.gif; do echo "-- $o"; m --config=$CFG --mode=sample --workdir=$B --output=$O2/u22/$o --num_samples=2 > $A/u23_$o.out 2>&1; grep -v WARNING $A/u23_$o.out | cut -c1-400; done; ls -la $O2/u22
