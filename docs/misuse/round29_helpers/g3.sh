# Y38: the sweep with --root / --results as TWO words with a quoted '~' (HOME=$O2/g3home)
. $(dirname $0)/common.sh
G=$O2/g3; rm -rf $G $O2/g3home; mkdir -p $G $O2/g3home; export HOME=$O2/g3home
(cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python benchmarks/sweeps/ablation_sweep.py --rows=table4:sfm_4 --steps=2 $SW --root '~/sw' --results '~/res') > $L/y38.out 2>&1; echo "rc=$?" >> $L/y38.out
grep -v 'WARNING\|^step ' $L/y38.out | cut -c1-400 | tail -12
echo "HOME:"; find $O2/g3home -maxdepth 3 | sort; echo "WT/~:"; find "$WT/~" -maxdepth 3 2>/dev/null | sort
[ -d "$WT/~" ] && mv -- "$WT/~" $G/wt_tilde_moved
