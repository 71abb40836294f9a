# Y14 verification: the report of other settings, kept aside first, then overwritten?
. $(dirname $0)/common.sh
D=$O2/d1v; rm -rf $D; mkdir -p $D; W=$R2/d/run
s y14va m --config=$CFG --mode=eval --workdir=$W $EV --config.flow.inference_steps=2 --output=$D/r.json
cp $D/r.json $D/keep_2step.json; md5sum $D/r.json
python -c "import json;print(json.load(open('$D/r.json'))['protocol'])"
s y14vb m --config=$CFG --mode=eval --workdir=$W $EV --output=$D/r.json
ls -la $D; md5sum $D/*.json
python -c "import json;print(json.load(open('$D/r.json'))['protocol'])"
