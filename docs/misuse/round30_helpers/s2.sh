# Part S2: --rows= empty (a script's unset $ROWS) WITHOUT --report_only, --steps=1: stopped after 60 s by SIGINT
. $(dirname $0)/common.sh
G=$O2/s
echo "== z18c" > $L/z18c.out; (cd $WT && PYTHONPATH=$WT nice -n 19 timeout -s INT 60 python benchmarks/sweeps/ablation_sweep.py --rows= --steps=1 $SW --root=$G/r18c --results=$G/res18c) >> $L/z18c.out 2>&1; echo "rc=$?" >> $L/z18c.out
grep -v WARNING $L/z18c.out | head -20; find $G/r18c $G/res18c -maxdepth 1 | head
