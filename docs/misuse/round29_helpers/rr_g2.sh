# Y28 real sweep: --rows given twice
. $(dirname $0)/rr_common.sh
G=$O2/g2_rr; rm -rf $G; mkdir -p $G
(cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python benchmarks/sweeps/ablation_sweep.py --rows=table4:sfm_4 --rows=table4:pdg_sfm_4 --steps=2 $SW --root=$G/r --results=$G/res) > $L/y28v.out 2>&1; echo "rc=$?" >> $L/y28v.out
grep -v 'WARNING\|^+ \|^step ' $L/y28v.out | tail -8; ls $G/r $G/res
