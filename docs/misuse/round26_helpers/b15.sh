# V37: sample --output ending in '/'; V38: newest step without commit_success.txt; V39: --prompts_file with --num_samples
. /tmp/r26/env.sh
L=/tmp/r26/log; O2=/tmp/r26/out/b15; R2=/tmp/r26/runs; rm -rf $O2; mkdir -p $O2/exists
echo "== V37"
for o in $O2/new/ $O2/exists/ $O2/exists; do m --config=$CFG --mode=sample --workdir=$B --output=$o --num_samples=2 > $L/v37.out 2>&1; echo "-- $o: $(cut -c1-400 $L/v37.out | tail -2)"; done; ls -a $O2 $O2/exists
echo "== V38"
rm -rf $R2/v38; cp -r $B $R2/v38; rm $R2/v38/checkpoints/12/commit_success.txt; ls $R2/v38/checkpoints/12
m --config=$CFG --mode=sample --workdir=$R2/v38 --output=$O2/s38 --num_samples=2 > $L/v38a.out 2>&1; echo "-- sample: $(cut -c1-400 $L/v38a.out | tail -3)"
py -c "
from eflow_jax import Pipeline
try: p = Pipeline.from_workdir('$R2/v38'); print('from_workdir -> loaded step', getattr(p, 'step', '?'))
except BaseException as e: print('from_workdir ->', type(e).__name__, e)" > $L/v38b.out 2>&1; cut -c1-400 $L/v38b.out
ls $R2/v38/checkpoints
echo "== V39"
printf 'clip number 1 moving\nclip number 2 moving\nclip number 3 moving\n' > $O2/p3.txt
for n in 5 2; do m --config=$TT:steps=8 $T2VF --mode=sample --workdir=$T2V --output=$O2/p$n --prompts_file=$O2/p3.txt --num_samples=$n > $L/v39_$n.out 2>&1; echo "-- --num_samples=$n: $(cut -c1-400 $L/v39_$n.out | tail -3)"; [ -f $O2/p${n}_clips/captions.txt ] && cat $O2/p${n}_clips/captions.txt; done
