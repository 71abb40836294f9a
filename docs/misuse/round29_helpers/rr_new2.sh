# Y40b: --workdir given as two words followed by --mode=sample, nothing else mode-specific; Y39d: the sweep's --res abbreviation
. $(dirname $0)/rr_common.sh
N=$O2/new_rr
echo "WT before: $(ls -a $WT | grep -e '^-' -e '^~' | tr '\n' ' ')"
TAILN=6 s y40b m --config=$CFG --workdir --mode=sample
echo "WT after: $(ls -a $WT | grep -e '^-' | tr '\n' ' ')"; find $WT/--mode=sample -maxdepth 2 2>/dev/null | head -20
ls $WT/--mode=sample/checkpoints 2>/dev/null
[ -e "$WT/--mode=sample" ] && mv -- "$WT/--mode=sample" $N/wt_mode_sample_moved_b
( export HOME=$N/home
  sw() { n=$1; shift; echo "== $n: $*" > $L/$n.out; (cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python benchmarks/sweeps/ablation_sweep.py "$@") >> $L/$n.out 2>&1; echo "rc=$?" >> $L/$n.out; echo "-- $n: $(grep -v WARNING $L/$n.out | tail -3 | cut -c1-600)"; }
  sw y39d --rows=table4:sfm_4 --report_only --roo '~/sw' --res '~/res' )
echo "WT after: $(ls -a $WT | grep -e '^-' -e '^~' | tr '\n' ' ')"
