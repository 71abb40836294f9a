# reruns of not-good findings: W08 (the user's samples/step_000003.*), W35 (--num_classes with captions), W20 (eval_path of a Moving MNIST run)
. $(dirname $0)/common.sh
D=$O2/v5; rm -rf $D; mkdir -p $D
rm -rf $R2/t1r; mkdir -p $R2/t1r/samples; cp $O2/b3/../../out/vids/v0.mp4 $R2/t1r/samples/step_000003.mp4 2>/dev/null || cp $V/v0.mp4 $R2/t1r/samples/step_000003.mp4
md5sum $R2/t1r/samples/*
s w08_rerun m --config=tests/tiny_config.py:steps=3 --workdir=$R2/t1r --config.sample_every=3
md5sum $R2/t1r/samples/*
s w35_rerun pd --input=$O/t2v/l.jsonl --output=$D/d7 $PD --text_encoder=$UMT5 --text_length=8 --num_classes=5
python -c "import json; m=json.load(open('$D/d7/manifest.json')); print('num_classes', m.get('num_classes'), 'class_names', m.get('class_names'))"
rm -rf $R2/e5r; cp -r $B $R2/e5r
s w20_rerun m --config=$CFG $EV --mode=eval --workdir=$R2/e5r --output=$D/e5.json --config.data.eval_path=$O/p02/train
python -c "import json; d=json.load(open('$D/e5.json')); print(d['classifier_fd'], d['protocol']['eval_set'])"
