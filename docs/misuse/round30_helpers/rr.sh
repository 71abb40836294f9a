# round 30's fixed cases re-run by hand on main's HEAD (runners of /tmp/r30/env.sh with WT=/work/main)
. /tmp/r30/env_rr.sh
L=/tmp/r30/rr/log; O2=/tmp/r30/out2; R2=/tmp/r30/runs2; mkdir -p $L
s() { n=$1; shift; echo "== $n: $*" > $L/$n.out; "$@" >> $L/$n.out 2>&1; echo "-- $n: $(grep -v 'WARNING:absl\|^step ' $L/$n.out | tail -${TAILN:-3} | cut -c1-600)"; }
A=$O2/a
ls -a /work/main | grep -c '^~$'
s z06b_rr m --config=$CFG --mode=sample --num_samples=2 --flagfile=$A/flags_w.txt --output=$A/z06b_rr
python /work/main/docs/misuse/round30_helpers/gifeq.py $A/z06b_rr.gif $A/z06v.gif $A/z06b.gif 2>&1 | tail -3
mkdir -p $A/home_rr
HOME=$A/home_rr s z07_rr m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --flagfile=$A/flags_o.txt
ls $A/home_rr; ls -a /work/main | grep -c '^~$'
G=$O2/g
s z18_rr python /work/main/benchmarks/sweeps/ablation_sweep.py --report_only --rows= --root=$G/r18_rr --results=$G/res18_rr
ls -d $G/r18_rr $G/res18_rr 2>&1 | tail -2
M=$O2/m
s z23_rr ex --workdir=$R2/m/str --output=$M/str_rr
grep -n -i "eval_step\|classifier\|nothing" $M/str_rr/README.md | head -4
s z29_rr m --config=$CFG --mode=eval --workdir=$R2/t3run $EV --config.eval.metrics_dir=None
ls -d /work/main/None 2>&1 | tail -1
echo RR DONE
