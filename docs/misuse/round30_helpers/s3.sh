# Part S3: a real sweep (--steps=2) with the same row given twice
. $(dirname $0)/common.sh
G=$O2/s
echo "== z15r" > $L/z15r.out; (cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python benchmarks/sweeps/ablation_sweep.py --rows=table4:sfm_4 --rows table4:sfm_4 --steps=2 $SW --root=$G/r15r --results=$G/res15r) >> $L/z15r.out 2>&1; echo "rc=$?" >> $L/z15r.out
grep -v WARNING $L/z15r.out | tail -12; ls $G/r15r $G/res15r
