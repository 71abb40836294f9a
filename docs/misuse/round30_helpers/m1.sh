# Part M: the model card when eval_step000012.json's 'step' is "12", 12.0, null or true
. $(dirname $0)/common.sh
E=$O2/e; M=$O2/m; rm -rf $M $R2/m; mkdir -p $M $R2/m
for k in str float null true; do
  W=$R2/m/$k; cp -r $B $W
  python -c "
import json; r=json.load(open('$E/own_report.json')); r['step']={'str':'12','float':12.0,'null':None,'true':True}['$k']; json.dump(r, open('$W/eval_step000012.json','w'), indent=1)"
  s z27_$k ex --workdir=$W --output=$M/$k
  echo "card $k:"; grep -n -i "fvd\|eval_step\|accuracy\|score" $M/$k/README.md | head -5
done
echo "reference (step 12 int):"; W=$R2/m/int; cp -r $B $W; cp $E/own_report.json $W/eval_step000012.json; s z27_int ex --workdir=$W --output=$M/int
grep -n -i "fvd\|eval_step\|accuracy\|score" $M/int/README.md | head -5
