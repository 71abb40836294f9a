# eval edges: a sampler setting not in the report's protocol; use_i3d offline; --output=- ; eval of the cat/dog record-set run
. $(dirname $0)/common.sh
D=$O2/b5; rm -rf $D; mkdir -p $D
echo "== E1 default report, then the same step with --config.flow.inference_shift=1.0"
rm -rf $R2/e1; cp -r $B $R2/e1
s e1_a m --config=$CFG $EV --mode=eval --workdir=$R2/e1
cp $R2/e1/eval_step000012.json $D/e1_first.json; md5sum $R2/e1/eval_step*.json
s e1_b m --config=$CFG $EV --mode=eval --workdir=$R2/e1 --config.flow.inference_shift=1.0
ls $R2/e1; md5sum $R2/e1/eval_step*.json
python -c "
import json
a=json.load(open('$D/e1_first.json')); b=json.load(open('$R2/e1/eval_step000012.json'))
pick=lambda d: {k: d.get(k) for k in ('classifier_fd','class_accuracy','sharpness','heldout_loss')}
print('first ', pick(a)); print('now   ', pick(b)); print('protocol now', b.get('protocol'))"
s e1_c m --config=$CFG $EV --mode=eval --workdir=$R2/e1 --config.flow.inference_shift=1.0 --output=$D/e1_shift1.json
python -c "
import json
for p in ('$D/e1_first.json', '$D/e1_shift1.json'):
  d=json.load(open(p)); print(p, {k: d.get(k) for k in ('classifier_fd','class_accuracy')})"
echo "== E2 --config.eval.use_i3d=True (no network)"
rm -rf $R2/e2; cp -r $B $R2/e2
s e2 m --config=$CFG $EV --mode=eval --workdir=$R2/e2 --output=$D/e2.json --config.eval.use_i3d=True
ls $D | grep e2
echo "== E3 eval --output=- and /dev/stdout"
rm -rf $R2/e3; cp -r $B $R2/e3
s e3_dash m --config=$CFG $EV --mode=eval --workdir=$R2/e3 --output=-
ls -la $WT/- 2>&1 | head -2; ls $R2/e3
s e3_stdout m --config=$CFG $EV --mode=eval --workdir=$R2/e3 --output=/dev/stdout
echo "== E4 eval of the cat/dog record-set run (grey clips, not Moving MNIST)"
rm -rf $R2/e4; cp -r $R/rs $R2/e4
TAILN=6 s e4 m --config=$CFG $RS $EV --config.data.path=$O/p02/train --mode=eval --workdir=$R2/e4 --output=$D/e4.json
python -c "
import json; d=json.load(open('$D/e4.json')); print(sorted(d.keys())); print({k: d[k] for k in d if k in ('classifier_fd','class_accuracy','sharpness','frame_judge_accuracy','prompt_following')})" 2>&1
