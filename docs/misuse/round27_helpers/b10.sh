# sweep: SIGTERM and SIGHUP sent to the sweep's process only (trainer at step ~25/40), each then rerun; --tables/--rows/--results misuse
. $(dirname $0)/common.sh
cd $WT
for sig in TERM HUP; do NAME=s_$sig AT=train ONLYSWEEP=1 STEPS=40 SIG=$sig python docs/misuse/round27_helpers/sweep_sig.py > $L/sweep_$sig.out 2>&1; echo "rc=$?" >> $L/sweep_$sig.out; grep -v WARNING $L/sweep_$sig.out | grep -v "^+ " | cut -c1-300; done
D=$O2/b10; rm -rf $D; mkdir -p $D; echo "not a folder" > $D/resfile
sw() { n=$1; shift; (cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python benchmarks/sweeps/ablation_sweep.py "$@") > $L/$n.out 2>&1; echo "rc=$?" >> $L/$n.out; echo "-- $n: $(grep -v WARNING $L/$n.out | tail -3 | cut -c1-500)"; }
sw s3_tables --tables=table2 --rows=table4:sfm_4 --root=$D/r1 --results=$D/res1 --report_only
sw s3_tables_run --tables=table2 --rows=table4:sfm_4 --root=$D/r2 --results=$D/res2 --steps=2 $SW
sw s3_resfile --rows=table4:sfm_4 --root=$D/r3 --results=$D/resfile --steps=2 $SW
sw s3_rootfile --rows=table4:sfm_4 --root=$D/resfile --results=$D/res4 --steps=2 $SW
cat $D/resfile; ls $D
