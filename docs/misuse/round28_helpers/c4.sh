# X10-X13: the default eval report name eval_step000012.json already holding something (copy of the base run each)
. $(dirname $0)/common.sh
D=$R2/c4; rm -rf $D; mkdir -p $D
for c in x10 x11 x12 x13; do cp -r $B $D/$c; done
printf 'my eval notes: step 12 looked good\n' > $D/x10/eval_step000012.json
printf '[{"step": 12, "my_fvd": 123.4}]\n' > $D/x11/eval_step000012.json
python - <<PY
import json
r = json.load(open("$O2/c1/real/rep.json"))
r["protocol"]["my_comment"] = "hand-added key"; r["my_top"] = 1
json.dump(r, open("$D/x12/eval_step000012.json", "w"))
r = json.load(open("$O2/c1/real/rep.json")); r["weights_sha256"] = "0" * 64; r["protocol"]["num_samples"] = 999
json.dump(r, open("$D/x13/eval_step000012.json", "w"))
PY
for c in x10 x11 x12 x13; do md5sum $D/$c/eval_step000012.json > $D/$c.md5; done
for c in x10 x11 x12 x13; do
  s $c m --config=$CFG --mode=eval --workdir=$D/$c $EV
  echo "$c: $(md5sum -c $D/$c.md5 2>&1 | tr '\n' ' ') files: $(ls $D/$c | grep -i eval | tr '\n' ' ')"; head -c 200 $D/$c/eval_step000012.json; echo
done
