# re-run of Y31 (h1.sh part 1) in fresh folders (suffix _rr)
. $(dirname $0)/rr_common.sh
H=$O2/h_rr; rm -rf $H $R2/h_rr; mkdir -p $H $R2/h_rr; W=$R2/h_rr/run; cp -r $B $W
s y31a ex --workdir=$W --output=$H/e
s y31ev m --config=$CFG --mode=eval --workdir=$H/e $EV --output=$H/e/eval_mine.json
echo "my notes on the step-12 export" > $H/e/NOTES.md
md5sum $H/e/* | tee $L/y31_md5_a.txt
TAILN=5 s y31b ex --workdir=$W --step=10 --output=$H/e
ls -la $H/e; md5sum $H/e/*; python -c "import json;print('config step', json.load(open('$H/e/config.json'))['step'])"
