# re-run of Y14, Y15, Y17 (d1.sh), Y19 (d2.sh), Y36 (d3.sh) in fresh folders (suffix _rr), plus new Y-cases on links at the default name
. $(dirname $0)/rr_common.sh
D=$O2/d_rr; chattr -i $D/ro.json 2>/dev/null; rm -rf $D $R2/d_rr; mkdir -p $D $R2/d_rr
W=$R2/d_rr/run; cp -r $B $W
# Y14
s y14a m --config=$CFG --mode=eval --workdir=$W $EV --config.flow.inference_steps=2 --output=$D/r.json
md5sum $D/r.json | tee $L/y14_md5.txt; cp $D/r.json $D/keep_2step.json
s y14b m --config=$CFG --mode=eval --workdir=$W $EV --output=$D/r.json
grep -c '^step\|classifier' $L/y14b.out; ls -la $D; md5sum -c $L/y14_md5.txt
# Y15
cp $D/r.json $D/ro.json; chattr +i $D/ro.json; md5sum $D/ro.json > $L/y15_md5.txt
s y15 m --config=$CFG --mode=eval --workdir=$W $EV --config.flow.inference_steps=2 --output=$D/ro.json
chattr -i $D/ro.json; md5sum -c $L/y15_md5.txt; lsattr $D/ro.json; ls $D
# Y17: dangling link
ln -s $D/gone/r.json $D/dang.json
s y17 m --config=$CFG --mode=eval --workdir=$W $EV --output=$D/dang.json
ls -la $D; find $D/gone 2>/dev/null
# Y19: the card with an old-format report of step 10 at step 12's name
W2=$R2/d2b_rr; rm -rf $W2 $O2/d2_rr; cp -r $B $W2
python - <<PY
import json
d = json.load(open("/tmp/r29/runs2/d2/eval_step000010.json")); d.pop("weights_sha256", None)
json.dump(d, open("$W2/eval_step000012.json", "w"), indent=1)
PY
TAILN=5 s y19 ex --workdir=$W2 --output=$O2/d2_rr/exp2
sed -n '/Measured/,$p' $O2/d2_rr/exp2/README.md
# Y36: a link to a report of the same weights, OTHER settings (original case), then SAME settings
D3=$O2/d3_rr; rm -rf $D3; mkdir -p $D3/shared
s y36a m --config=$CFG --mode=eval --workdir=$W $EV --output=$D3/shared/base_eval.json
ln -s $D3/shared/base_eval.json $D3/latest.json; md5sum $D3/shared/base_eval.json > $L/y36_md5.txt; stat -c '%y %n' $D3/shared/base_eval.json
s y36b m --config=$CFG --mode=eval --workdir=$W $EV --config.flow.inference_steps=2 --output=$D3/latest.json
ls -la $D3 $D3/shared; md5sum -c $L/y36_md5.txt; stat -c '%y %n' $D3/shared/base_eval.json
s y36c m --config=$CFG --mode=eval --workdir=$W $EV --output=$D3/latest.json
ls -la $D3 $D3/shared; md5sum -c $L/y36_md5.txt; stat -c '%y %n' $D3/shared/base_eval.json
for f in $D3/latest.json $D3/shared/*.json; do python -c "import json;d=json.load(open('$f'));print('$f', d['step'], d['protocol']['sampler_steps'])"; done
