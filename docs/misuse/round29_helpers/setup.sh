# The round-22 fixtures (run after sourcing nothing: it sources /tmp/r29/env.sh, made as 'setup' in round22.json says)
. /tmp/r29/env.sh
set -x
mkdir -p $V
for i in 0 1 2 3 4 5 6 7; do (cd $WT && python $H14/mkvid.py $V/v$i.mp4 6 $((3*i))); done
md5sum $V/*.mp4
m --config=$CFG --workdir=$B
ex --workdir=$B --output=$EX
md5sum $EX/model.safetensors
mkdir -p $O/p02/in/cat $O/p02/in/dog; cp $V/v0.mp4 $V/v1.mp4 $O/p02/in/cat/; cp $V/v2.mp4 $V/v3.mp4 $O/p02/in/dog/
pd --input=$O/p02/in --output=$O/p02/train $PD
m --config=$CFG --workdir=$R/rs $RS --config.data.path=$O/p02/train
(cd $WT && PYTHONPATH=$WT python -c "from eflow_jax.text.tiny import make_tiny_umt5; make_tiny_umt5('/tmp/r29/umt5')")
mkdir -p $O/t2v; for i in 0 1 2 3; do echo "{\"video\": \"$V/v$i.mp4\", \"caption\": \"clip number $i moving\"}"; done > $O/t2v/l.jsonl
pd --input=$O/t2v/l.jsonl --output=$O/t2v/set $PD --text_encoder=$UMT5 --text_length=8
m --config=$TT:steps=6 --workdir=$T2V $T2VF
echo SETUP DONE
