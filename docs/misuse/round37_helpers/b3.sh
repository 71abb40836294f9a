# the text encoder replaced by another UMT5 of the same shape but other weights
. $(dirname $0)/common.sh
[ -d $W/umt5b ] || python $H37/umt5b.py $W/umt5b
rm -rf $W/t2v_c; cp -r $T2V $W/t2v_c
s g09 py $H37/pipe_enc.py $W/t2v_c $W/umt5b
s g09b py $H37/pipe_enc.py $W/t2v_c $UMT5
s g10 m --config=$TT:steps=8 --workdir=$W/t2v_c $T2VF --config.text_encoder.path=$W/umt5b
