. /tmp/r24/env.sh
rm -rf $O/t32 $R/t32; mkdir -p $O/t32
(cd $WT && PYTHONPATH=$WT python -c "from eflow_jax.text.tiny import make_tiny_umt5; make_tiny_umt5('$O/t32/umt5b', seed=7)" 2>&1 | grep -v WARNING | tail -1)
for i in 4 5 6 7; do echo "{\"video\": \"$V/v$i.mp4\", \"caption\": \"clip number $i moving\"}"; done > $O/t32/l.jsonl
pd --input=$O/t32/l.jsonl --output=$O/t32/setb $PD --text_encoder=$O/t32/umt5b --text_length=8 2>&1 | tail -1
cp -r $T2V $R/t32
T2VX=$(echo $T2VF | sed 's#--config.data.path=[^ ]*##')
echo "== resume onto set of other encoder, same text_encoder.path"
m --config=$TT:steps=8 $T2VX --config.data.path=$O/t32/setb --workdir=$R/t32 --allow_resume_change=data.path 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-400 | tail -2
T2VY=$(echo $T2VX | sed 's#--config.text_encoder.path=[^ ]*##')
echo "== and text_encoder.path = that other encoder"
m --config=$TT:steps=8 $T2VY --config.data.path=$O/t32/setb --config.text_encoder.path=$O/t32/umt5b --workdir=$R/t32 --allow_resume_change=data.path,text_encoder.path 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-400 | tail -2
ls $R/t32/checkpoints | tr '\n' ' '
