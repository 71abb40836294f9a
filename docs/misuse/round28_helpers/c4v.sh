# X10/X11 verified a second time on fresh copies, and the same file given as --output (contrast)
. $(dirname $0)/common.sh
D=$R2/c4v; rm -rf $D; mkdir -p $D
for c in x10v x11v x10o; do cp -r $B $D/$c; done
printf 'my eval notes: step 12 looked good\n' > $D/x10v/eval_step000012.json
printf 'my eval notes: step 12 looked good\n' > $D/x10o/eval_step000012.json
printf '[{"step": 12, "my_fvd": 123.4}]\n' > $D/x11v/eval_step000012.json
for c in x10v x11v; do s $c m --config=$CFG --mode=eval --workdir=$D/$c $EV; echo "$c now: $(head -c 60 $D/$c/eval_step000012.json | tr '\n' ' ') | $(ls $D/$c | tr '\n' ' ')"; done
s x10o m --config=$CFG --mode=eval --workdir=$D/x10o $EV --output=$D/x10o/eval_step000012.json; echo "x10o now: $(head -c 60 $D/x10o/eval_step000012.json)"
