# Y36: eval --output a symbolic link to an existing report of the SAME weights and settings in a shared folder (the user's 'latest' link)
. $(dirname $0)/common.sh
D=$O2/d3; rm -rf $D; mkdir -p $D/shared; W=$R2/d/run
s y36a m --config=$CFG --mode=eval --workdir=$W $EV --output=$D/shared/base_eval.json
ln -s $D/shared/base_eval.json $D/latest.json; md5sum $D/shared/base_eval.json; stat -c '%y %n' $D/shared/base_eval.json
s y36b m --config=$CFG --mode=eval --workdir=$W $EV --config.flow.inference_steps=2 --output=$D/latest.json
ls -la $D $D/shared; md5sum $D/shared/base_eval.json; stat -c '%y %n' $D/shared/base_eval.json
for f in $D/latest.json $D/shared/base_eval.json; do python -c "import json;print('$f', json.load(open('$f'))['protocol']['sampler_steps'])"; done
