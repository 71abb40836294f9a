# X26: export / sample / eval --output that a link and '..' put inside the run's checkpoints folder (copy of the base run)
. $(dirname $0)/common.sh
D=$R2/c10; rm -rf $D; mkdir -p $D; cp -r $B $D/run; ln -s $D/run/checkpoints/10 $D/lnk
find $D/run/checkpoints -type f | sort | xargs md5sum > $D/before.md5
s x26a ex --workdir=$D/run --output=$D/lnk/../exp
s x26b m --config=$CFG --mode=sample --workdir=$D/run --num_samples=2 --output=$D/lnk/../s
s x26c m --config=$CFG --mode=eval --workdir=$D/run $EV --output=$D/lnk/../rep.json
find $D/run/checkpoints -type f | sort | xargs md5sum > $D/after.md5; diff $D/before.md5 $D/after.md5 > /dev/null && echo "x26: checkpoints unchanged"; ls $D/run/checkpoints
