. /tmp/r25/env.sh
rm -rf $O/u30 $R/u30; mkdir -p $O/u30/in/cat $O/u30/in/dog
(cd $WT; for i in 0 1; do python $H14/mkvid.py $O/u30/in/cat/s$i.mp4 1 $((10*i)); python $H14/mkvid.py $O/u30/in/dog/s$i.mp4 1 $((100+10*i)); done)
echo "== U30 one-frame videos, --frames=1"; pd --input=$O/u30/in --output=$O/u30/set --autoencoder=identity --frames=1 --height=16 --width=16 --no_progress 2>&1 | tail -2
echo "== train on it"; m --config=tests/tiny_config.py:steps=5 --workdir=$R/u30 $RS --config.data.path=$O/u30/set 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-400 | tail -2
echo "== the same videos at --frames=4"; pd --input=$O/u30/in --output=$O/u30/set4 $PD 2>&1 | tail -2
