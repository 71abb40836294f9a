# Y17: the model card of an export whose run holds odd reports: eval_step000012.json a COPY of the step-10 report; score NaN
. $(dirname $0)/common.sh
W=$R2/d2; rm -rf $W $O2/d2; cp -r $B $W
s y17a m --config=$CFG --mode=eval --workdir=$W $EV --step=10
cp $W/eval_step000010.json $W/eval_step000012.json
s y17b ex --workdir=$W --output=$O2/d2/exp
sed -n '/Measured/,$p' $O2/d2/exp/README.md
# Y18: the card when eval_step000012.json is an OLD-format (no weights_sha256) report of step 10 copied to step 12's name
W2=$R2/d2b; rm -rf $W2; cp -r $B $W2
python - <<PY
import json
d = json.load(open("$W/eval_step000010.json")); d.pop("weights_sha256", None)
json.dump(d, open("$W2/eval_step000012.json", "w"), indent=1)
PY
head -c 400 $W2/eval_step000012.json; echo
s y18 ex --workdir=$W2 --output=$O2/d2/exp2
sed -n '/Measured/,$p' $O2/d2/exp2/README.md
