# X10/X11 re-run: --mode=eval without --output where eval_step000012.json holds notes / a JSON list; nearby: an empty file
. $(dirname $0)/rr_common.sh
D=$RR/x10; rm -rf $D; mkdir -p $D
for c in x10 x11 x10e; do cp -r $B $D/$c; done
printf 'my eval notes: step 12 looked good\n' > $D/x10/eval_step000012.json
printf '[{"step": 12, "my_fvd": 123.4}]\n' > $D/x11/eval_step000012.json
: > $D/x10e/eval_step000012.json
for c in x10 x11 x10e; do md5sum $D/$c/eval_step000012.json > $D/$c.md5; done
for c in x10 x11 x10e; do
  s $c m --config=$CFG --mode=eval --workdir=$D/$c $EV
  echo "$c: md5 before $(cut -c1-32 $D/$c.md5); $(md5sum -c $D/$c.md5 2>&1 | tr '\n' ' ') files: $(ls $D/$c | grep -i eval | tr '\n' ' ')"; head -c 120 $D/$c/eval_step000012.json; echo
done
