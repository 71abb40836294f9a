# Part G: the ablation sweep: --override values holding '=' / spaces; --rows and --tables given twice
. $(dirname $0)/common.sh
G=$O2/g; rm -rf $G; mkdir -p $G
sw() { n=$1; shift; echo "== $n: $*" > $L/$n.out; (cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python benchmarks/sweeps/ablation_sweep.py "$@") >> $L/$n.out 2>&1; echo "rc=$?" >> $L/$n.out; echo "-- $n: $(grep -v WARNING $L/$n.out | tail -${TAILN:-3} | cut -c1-600)"; }
# Y27: --rows given twice (argparse keeps the last), --tables given twice
sw y27a --rows=table4:sfm_4 --rows=table4:pdg_sfm_4 --report_only --root=$G/r27 --results=$G/res27
sw y27b --tables=table2 --tables=table4 --report_only --root=$G/r27 --results=$G/res27
# Y28: an --override whose value holds '=' (a metrics folder named m=c) and one padded with spaces
sw y28a --rows=table4:sfm_4 --steps=2 $SW --override=--config.eval.metrics_dir=$G/m=c --root=$G/r28 --results=$G/res28
ls $G; ls $G/m=c 2>/dev/null | head
sw y28b --rows=table4:sfm_4 --steps=2 $SW "--override=--config.eval.num_samples= 4" --root=$G/r28b --results=$G/res28b
sw y28c --rows=table4:sfm_4 --steps=2 $SW "--override=--config.eval.metrics_dir=$G/my caches" --root=$G/r28c --results=$G/res28c
sw y28d --rows=table4:sfm_4 --steps=2 $SW "--override= --config.eval.num_samples=4" --root=$G/r28d --results=$G/res28d
ls -la $G
