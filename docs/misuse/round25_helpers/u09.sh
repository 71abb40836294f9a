. /tmp/r25/env.sh
rm -rf $O/u09 $R/u09; mkdir -p $O/u09
(cd $WT && PYTHONPATH=$WT python -c "from eflow_jax.text.tiny import make_tiny_umt5; make_tiny_umt5('$O/u09/umt5b', seed=7)" 2>&1 | grep -v WARNING | tail -1)
for i in 4 5 6 7; do echo "{\"video\": \"$V/v$i.mp4\", \"caption\": \"clip number $i moving\"}"; done > $O/u09/l.jsonl
pd --input=$O/u09/l.jsonl --output=$O/u09/setb $PD --text_encoder=$O/u09/umt5b --text_length=8 2>&1 | tail -1
cp -r $T2V $R/u09
T2VX=$(echo $T2VF | sed 's#--config.data.path=[^ ]*##')
echo "== resume onto set of other encoder, same text_encoder.path"
m --config=$TT:steps=8 $T2VX --config.data.path=$O/u09/setb --workdir=$R/u09 --allow_resume_change=data.path 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-700 | tail -2
T2VY=$(echo $T2VX | sed 's#--config.text_encoder.path=[^ ]*##')
echo "== and text_encoder.path = that other encoder"
m --config=$TT:steps=8 $T2VY --config.data.path=$O/u09/setb --config.text_encoder.path=$O/u09/umt5b --workdir=$R/u09 --allow_resume_change=data.path,text_encoder.path 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-700 | tail -2
ls $R/u09/checkpoints | tr '\n' ' '
echo "== text_encoder.path changed only (data.path same)"; m --config=$TT:steps=8 $T2VY --config.data.path=/tmp/r25/out/t2v/set --config.text_encoder.path=$O/u09/umt5b --workdir=$R/u09 --allow_resume_change=text_encoder.path 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-600 | tail -2
