# Part D: eval --output edge cases and the export's model card
. $(dirname $0)/common.sh
D=$O2/d; for f in $D/ro.json; do chattr -i $f 2>/dev/null; done; rm -rf $D $R2/d; mkdir -p $D
W=$R2/d/run; mkdir -p $R2/d; cp -r $B $W
# Y14: --output an existing report of OTHER settings (same weights: 2-step sampler instead of 4)
s y14a m --config=$CFG --mode=eval --workdir=$W $EV --config.flow.inference_steps=2 --output=$D/r.json
md5sum $D/r.json > $L/y14_md5.txt
s y14b m --config=$CFG --mode=eval --workdir=$W $EV --output=$D/r.json
ls -la $D; md5sum $D/*.json; for f in $D/r*.json; do python -c "import json;d=json.load(open('$f'));print('$f', d.get('step'), d.get('protocol',{}).get('sampler_steps'))"; done
# Y15: --output a read-only (immutable) report
cp $D/r.json $D/ro.json; chattr +i $D/ro.json; md5sum $D/ro.json
s y15 m --config=$CFG --mode=eval --workdir=$W $EV --config.flow.inference_steps=2 --output=$D/ro.json
chattr -i $D/ro.json; md5sum $D/ro.json; ls $D
# Y16: --output in folders that do not exist; and a dangling link to a folder that does not exist
s y16a m --config=$CFG --mode=eval --workdir=$W $EV --output=$D/no/such/dir/r.json
ln -s $D/gone/r.json $D/dang.json
s y16b m --config=$CFG --mode=eval --workdir=$W $EV --output=$D/dang.json
ls -la $D; find $D/no $D/gone 2>/dev/null
