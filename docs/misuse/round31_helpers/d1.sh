# Part D: prepare_data reruns after a shard truncated / bytes flipped; resume lr change; A04 redo
. $(dirname $0)/common.sh
D=$O2/d; rm -rf $D; mkdir -p $D
s d0 pd --input=$O/p02/in --output=$D/set --shard_size=1 $PD
py $H30/readset.py $D/set > $L/d_orig.txt 2>&1; ls -l $D/set
cp -r $D/set $D/trunc; f=$D/trunc/shard-00002.array_record; truncate -s $(( $(stat -c%s $f) / 2 )) $f; md5sum $D/trunc/* > $L/a10_before.txt
TAILN=4 s a10 pd --input=$O/p02/in --output=$D/trunc --shard_size=1 $PD
py $H30/readset.py $D/trunc > $L/a10_after.txt 2>&1; diff $L/d_orig.txt $L/a10_after.txt && echo A10_SAME_SET; tail -3 $L/a10_after.txt
cp -r $D/set $D/flip; f=$D/flip/shard-00001.array_record; python -c "
p='$f'; b=bytearray(open(p,'rb').read()); i=len(b)//2; b[i]^=0xff; open(p,'wb').write(b)"
TAILN=4 s a11 pd --input=$O/p02/in --output=$D/flip --shard_size=1 $PD
py $H30/readset.py $D/flip > $L/a11_after.txt 2>&1; diff $L/d_orig.txt $L/a11_after.txt && echo A11_SAME_SET; diff $L/d_orig.txt $L/a11_after.txt | head -6
A=$O2/c
cp -r $A/base0 $A/r3; TAILN=5 s a09 m --config=tests/tiny_config.py:steps=14 --workdir=$A/r3 --config.curriculum.stage2.lr=1e-5 ; ls $A/r3/checkpoints
A=$O2/a
HOME=$A/home s a04 m --config=tests/tiny_config.py:steps=5 --workdir=$A/a04run $RS --flagfile=$A/ff/dp.txt
ls -d $WT/\~ 2>&1|head -2; ls $A/a04run/checkpoints 2>&1; grep -o '"path": "[^"]*"' $A/a04run/checkpoints/*/meta/* 2>/dev/null | head -3; grep -rn "data.path\|sets/train" $A/a04run/parameters.txt | head -3
