# Part S2: --rows= empty (a script's unset $ROWS) WITHOUT --report_only, --steps=4: stopped after 45 s; --steps=4 (--steps=1 is refused by the stage split) by SIGINT
. $(dirname $0)/common.sh
G=$O2/s
echo "== z18d" > $L/z18d.out; (cd $WT && PYTHONPATH=$WT nice -n 19 timeout -s INT 45 python benchmarks/sweeps/ablation_sweep.py --rows= --steps=4 $SW --root=$G/r18d --results=$G/res18d) >> $L/z18d.out 2>&1; echo "rc=$?" >> $L/z18d.out
grep -v WARNING $L/z18d.out | head -20; find $G/r18d $G/res18d -maxdepth 1 | head
