. /tmp/r25/env.sh
rm -rf $O/u39 $R/u39; mkdir -p $O/u39
for i in 4 5 6 7; do echo "{\"video\": \"$V/v$i.mp4\", \"caption\": \"clip number $i moving\"}"; done > $O/u39/l.jsonl
pd --input=$O/u39/l.jsonl --output=$O/u39/set12 $PD --text_encoder=$UMT5 --text_length=12 2>&1 | grep -v "Loading\|WARNING" | tail -1
pd --input=$O/u39/l.jsonl --output=$O/u39/set8 $PD --text_encoder=$UMT5 --text_length=8 2>&1 | grep -v "Loading\|WARNING" | tail -1
cp -r $T2V $R/u39
T2VX=$(echo $T2VF | sed 's#--config.data.path=[^ ]*##; s#--config.data.text_length=[^ ]*##')
echo "== resume onto a set of the same encoder at text_length=12 (config says 8)"
m --config=$TT:steps=8 $T2VX --config.data.text_length=8 --config.data.path=$O/u39/set12 --workdir=$R/u39 --allow_resume_change=data.path 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-500 | tail -2
echo "== and with --config.data.text_length=12"
m --config=$TT:steps=8 $T2VX --config.data.text_length=12 --config.data.path=$O/u39/set12 --workdir=$R/u39 --allow_resume_change=data.path,data.text_length 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-500 | tail -2
ls $R/u39/checkpoints | tr '\n' ' '; echo
echo "== control: same encoder, text_length=8, other clips"
m --config=$TT:steps=8 $T2VX --config.data.text_length=8 --config.data.path=$O/u39/set8 --workdir=$R/u39 --allow_resume_change=data.path 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-500 | tail -2
ls $R/u39/checkpoints | tr '\n' ' '
