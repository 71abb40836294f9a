. /tmp/r24/env.sh
mkdir -p $O/t05in/bird $O/t05in/fish; cp $V/v4.mp4 $V/v5.mp4 $O/t05in/bird/; cp $V/v6.mp4 $V/v7.mp4 $O/t05in/fish/
mv $O/p02/train $O/p02/train.keep
pd --input=$O/t05in --output=$O/p02/train --autoencoder=identity --frames=6 --height=32 --width=32 --no_progress 2>&1 | tail -1
echo "== sample of \$R/rs, data.path empty"
m --config=$CFG $RS --mode=sample --workdir=$R/rs --output=$O/t05s/a 2>&1 | grep -v WARNING | cut -c1-400 | tail -5
echo "== eval, data.path empty"
m --config=$CFG $RS $EV --mode=eval --workdir=$R/rs --output=$O/t05s/r.json 2>&1 | grep -v WARNING | cut -c1-400 | tail -3
rm -rf $O/p02/train.t05; mv $O/p02/train $O/p02/train.t05; mv $O/p02/train.keep $O/p02/train
python3 -c "
import imageio.v3 as iio; a=iio.imread('$O/t05s/a_clips/000_class0.gif'); print('clip shape', a.shape)" 2>&1 | tail -1
