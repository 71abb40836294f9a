# Y44: eval --output an existing (writable) report in an immutable folder; Y45: --output a link to a report of OTHER weights (step 10)
. $(dirname $0)/rr_common.sh
N=$O2/new3_rr; chattr -i $N/lock 2>/dev/null; rm -rf $N; mkdir -p $N/lock $N/shared; W=$R2/d_rr/run
cp $O2/d_rr/keep_2step.json $N/lock/r.json; chattr +i $N/lock; lsattr -d $N/lock; md5sum $N/lock/r.json > $L/y44_md5.txt
s y44 m --config=$CFG --mode=eval --workdir=$W $EV --config.flow.inference_steps=2 --output=$N/lock/r.json
grep -c '^eval\|classifier' $L/y44.out; chattr -i $N/lock; md5sum -c $L/y44_md5.txt; ls -la $N/lock
s y45a m --config=$CFG --mode=eval --workdir=$W $EV --step=10 --output=$N/shared/base_eval.json
ln -s $N/shared/base_eval.json $N/latest.json; md5sum $N/shared/base_eval.json > $L/y45_md5.txt
TAILN=4 s y45b m --config=$CFG --mode=eval --workdir=$W $EV --output=$N/latest.json
ls -la $N $N/shared
for f in $N/latest.json $N/shared/*.json; do python -c "import json;d=json.load(open('$f'));print('$f', d['step'], d['protocol']['sampler_steps'], d['weights_sha256'][:8])"; done
md5sum $N/shared/*.json; cat $L/y45_md5.txt
