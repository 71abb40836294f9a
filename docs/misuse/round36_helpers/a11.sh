. $(dirname $0)/common.sh
cd $W
# F30b (rerun of a10.sh's last two lines at 8x8): --mode=eval of the array_record run rs (copy) with data.eval_path a set of 8x8 clips (the run trains on 16x16; the 8-frame try found the 6-frame videos too short)
rm -rf p8 rs30; cp -r $R/rs rs30
TAILN=1 s f31a pd --input=$O/p02/in --output=$W/p8 --autoencoder=identity --frames=4 --height=8 --width=8 --no_progress
TAILN=3 s f31b m --config=$TINY:steps=12 $RS --config.data.path=$O/p02/train --workdir=$W/rs30 --mode=eval --config.data.eval_path=$W/p8 $EV; tail -1 rs30/metrics.jsonl | cut -c1-300
