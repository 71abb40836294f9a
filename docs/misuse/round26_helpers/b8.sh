# V18: eval with data.eval_path = the training set; V19: sweep --tables typos; V20: --root inside --results and vice versa
. /tmp/r26/env.sh
L=/tmp/r26/log; O2=/tmp/r26/out; R2=/tmp/r26/runs
echo "== V18"
rm -rf $R2/v18; cp -r $R/rs $R2/v18
m --config=$CFG $RS --config.data.path=$O/p02/train $EV --mode=eval --workdir=$R2/v18 --output=$O2/v18a.json --config.data.eval_path=$O/p02/train > $L/v18a.out 2>&1; cut -c1-500 $L/v18a.out | tail -5
m --config=$CFG $RS --config.data.path=$O/p02/train $EV --mode=eval --workdir=$R2/v18 --output=$O2/v18b.json > $L/v18b.out 2>&1; cut -c1-500 $L/v18b.out | tail -5
cp -r $O/p02/train $O2/v18copy
m --config=$CFG $RS --config.data.path=$O/p02/train $EV --mode=eval --workdir=$R2/v18 --output=$O2/v18c.json --config.data.eval_path=$O2/v18copy > $L/v18c.out 2>&1; cut -c1-500 $L/v18c.out | tail -5
python -c "
import json
for f in ('a','b','c'):
  try: d=json.load(open('$O2/v18'+f+'.json')); print(f, {k:d.get(k) for k in ('eval_source','eval_path','classifier_fd','class_accuracy','num_samples','warnings','data')})
  except Exception as e: print(f, e)" | cut -c1-600
echo "== V19 sweep --tables typos"
s() { n=$1; shift; (cd $WT && PYTHONPATH=$WT nice -n 19 timeout 280 python benchmarks/sweeps/ablation_sweep.py --root=$R2/v19/root --results=$R2/v19/res "$@" > $L/$n.out 2>&1; echo "rc=$?" >> $L/$n.out); echo "-- $n $*: $(cut -c1-400 $L/$n.out | tail -4)"; }
rm -rf $R2/v19
s v19_a --tables=" table4" --report_only
s v19_b --tables="table4," --report_only
s v19_c --tables=TABLE4 --report_only
s v19_d --tables=table4,table4 --report_only
s v19_e --tables="" --report_only
s v19_f --tables=table4.py --report_only
s v19_g --tables=configs/ablations/table4 --report_only
s v19_h --tables=table4 --rows=pdg_study:x --report_only
ls $R2/v19 2>&1
echo "== V20 --root inside --results, --results inside --root, equal"
rm -rf $R2/v20; mkdir -p $R2/v20
s v20_a --root=$R2/v20/res/root --results=$R2/v20/res --rows=table4:sfm_4 --steps=2 $SW
s v20_b --root=$R2/v20/root --results=$R2/v20/root/res --rows=table4:sfm_4 --steps=2 $SW
s v20_c --root=$R2/v20/same --results=$R2/v20/same --rows=table4:sfm_4 --steps=2 $SW
s v20_d --root=$R2/v20/r2 --results=$R2/v20/r2/../r2/ --rows=table4:sfm_4 --steps=2 $SW
ls -R $R2/v20 | head -20
