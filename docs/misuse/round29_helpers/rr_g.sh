# re-run of Y28 (g1.sh/g2.sh): --rows / --tables given twice; new: --rows twice with an unknown row
. $(dirname $0)/rr_common.sh
G=$O2/g_rr; rm -rf $G; mkdir -p $G
sw() { n=$1; shift; echo "== $n: $*" > $L/$n.out; (cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python benchmarks/sweeps/ablation_sweep.py "$@") >> $L/$n.out 2>&1; echo "rc=$?" >> $L/$n.out; echo "-- $n: $(grep -v WARNING $L/$n.out | tail -${TAILN:-3} | cut -c1-600)"; }
sw y28a --rows=table4:sfm_4 --rows=table4:pdg_sfm_4 --report_only --root=$G/r27 --results=$G/res27
sw y28b --tables=table2 --tables=table4 --report_only --root=$G/r27 --results=$G/res27
sw y28c --tables=table4 --report_only --root=$G/r27 --results=$G/res27
sw y28d --tables=table2 --report_only --root=$G/r27 --results=$G/res27
sw y28e --rows table4:sfm_4 --rows table4:pdg_sfm_4 --report_only --root=$G/r27 --results=$G/res27
sw y28f --rows=table4:sfm_4,table4:pdg_sfm_4 --rows=table4:sfm_4 --report_only --root=$G/r27 --results=$G/res27
# new: --rows given twice, the second an unknown row
sw y41a --rows=table4:sfm_4 --rows=table4:no_such_row --report_only --root=$G/r27 --results=$G/res27
sw y41b --rows=table4:no_such_row --rows=table4:sfm_4 --report_only --root=$G/r27 --results=$G/res27
sw y41c --rows=table4:no_such_row --report_only --root=$G/r27 --results=$G/res27
