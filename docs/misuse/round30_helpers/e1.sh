# Part E: eval --output through link chains, a loop, a relative link; a link at the default name into another run's folder
. $(dirname $0)/common.sh
E=$O2/e; rm -rf $E $R2/e; mkdir -p $E/shared $E/links $R2/e; W=$R2/e/run; cp -r $B $W
MC="--config.eval.metrics_dir=$E/mc"
s z23a m --config=$CFG --mode=eval --workdir=$W $EV $MC
ls $W; REP=$W/eval_step000012.json
# Z23: a RELATIVE link (resolved from the link's folder, not the current folder) to a report of the same weights and settings
cp $REP $E/shared/r.json; ln -s ../shared/r.json $E/links/rel.json; md5sum $E/shared/r.json > $L/z23_md5a.txt
s z23 m --config=$CFG --mode=eval --workdir=$W $EV $MC --output=$E/links/rel.json
ls -la $E/links $E/shared; md5sum $E/shared/r.json; ls -la /tmp/r30/shared $WT/../shared 2>&1 | head -3
# Z24: a link to a link
cp $REP $E/shared/r2.json; ln -s $E/shared/r2.json $E/links/l1.json; ln -s $E/links/l1.json $E/links/l2.json
s z24 m --config=$CFG --mode=eval --workdir=$W $EV $MC --output=$E/links/l2.json
ls -la $E/links $E/shared
# Z25: a link loop
ln -s $E/links/loopb.json $E/links/loopa.json; ln -s $E/links/loopa.json $E/links/loopb.json
s z25 m --config=$CFG --mode=eval --workdir=$W $EV $MC --output=$E/links/loopa.json
# Z26: the default name a link into ANOTHER run's folder, whose report there scored other weights
W2=$R2/e/other; mkdir -p $W2; python -c "
import json; r=json.load(open('$REP')); r['weights_sha256']='0'*64; json.dump(r, open('$W2/eval_step000012.json','w'), indent=1)"
md5sum $W2/eval_step000012.json > $L/z26_md5a.txt; mv $REP $E/own_report.json; ln -s $W2/eval_step000012.json $REP
s z26 m --config=$CFG --mode=eval --workdir=$W $EV $MC
ls -la $W $W2; md5sum $W2/eval_step000012.json; cat $L/z26_md5a.txt
