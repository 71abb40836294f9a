# re-run of Y38 (g3.sh): the sweep with --root/--results as two words with a quoted '~'; HOME=$O2/g3home_rr
. $(dirname $0)/rr_common.sh
G=$O2/g3_rr; rm -rf $G $O2/g3home_rr; mkdir -p $G $O2/g3home_rr; export HOME=$O2/g3home_rr
ls -a $WT | grep -x '~' && echo "WT already has ~"
(cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python benchmarks/sweeps/ablation_sweep.py --rows=table4:sfm_4 --steps=2 $SW --root '~/sw' --results '~/res') > $L/y38.out 2>&1; echo "rc=$?" >> $L/y38.out
grep -v 'WARNING\|^step ' $L/y38.out | cut -c1-400 | tail -12
echo "HOME:"; find $O2/g3home_rr -maxdepth 3 | sort; echo "WT/~:"; find "$WT/~" -maxdepth 3 2>/dev/null | sort
[ -d "$WT/~" ] && mv -- "$WT/~" $G/wt_tilde_moved
