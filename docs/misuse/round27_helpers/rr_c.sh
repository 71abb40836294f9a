# re-run of W16 (eval with another inference_shift into the default report), W20 (data.eval_path / data.path with Moving MNIST),
# W31 (text options without --text_encoder), W34 (captions one text at text_length), W35 (--num_classes with captions)
. $(dirname $0)/rr_common.sh
D=$RR/c; rm -rf $D; mkdir -p $D
echo "== W16"
cp -r $B $D/e1
s w16_a m --config=$CFG $EV --mode=eval --workdir=$D/e1
cp $D/e1/eval_step000012.json $D/e1_first.json; md5sum $D/e1/eval_step*.json
s w16_b m --config=$CFG $EV --mode=eval --workdir=$D/e1 --config.flow.inference_shift=1.0
ls $D/e1; md5sum $D/e1/eval_step*.json $D/e1_first.json
python -c "import json; print('protocol', json.load(open('$D/e1/eval_step000012.json')).get('protocol'))"
echo "-- W16 edge: the same eval again with the default shift written out (3.0) - a rerun of the same protocol"
s w16_c m --config=$CFG $EV --mode=eval --workdir=$D/e1 --config.flow.inference_shift=3.0
ls $D/e1; md5sum $D/e1/eval_step*.json
echo "== W20"
cp -r $B $D/e5
s w20_eval m --config=$CFG $EV --mode=eval --workdir=$D/e5 --output=$D/e5.json --config.data.eval_path=$O/p02/train
s w20_path m --config=$CFG $EV --mode=eval --workdir=$D/e5 --output=$D/e5p.json --config.data.path=$O/p02/train
echo "-- W20 edge: training a fresh Moving MNIST run with data.path"
s w20_train m --config=tests/tiny_config.py:steps=3 --workdir=$D/e5t --config.data.path=$O/p02/train
ls $D; ls $D/e5t 2>&1
echo "== W31"
s w31_text pd --input=$O/p02/in --output=$D/d1c $PD --text_dtype=bfloat16 --text_length=77
s w31_edge pd --input=$O/p02/in --output=$D/d1e $PD --text_device=cuda
s w31_default pd --input=$O/p02/in --output=$D/d1f $PD --text_length=512
ls $D | grep d1
echo "== W35"
s w35 pd --input=$O/t2v/l.jsonl --output=$D/d7 $PD --text_encoder=$UMT5 --text_length=8 --num_classes=5
s w35_edge pd --input=$O/t2v/l.jsonl --output=$D/d7e $PD --text_encoder=$UMT5 --text_length=8 --num_classes=0
ls $D | grep d7
