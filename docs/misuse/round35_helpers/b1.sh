# E26-E29: prepare_data process mistakes and odd inputs (the class folders $O/p02/in: 4 videos, 2 classes)
. $(dirname $0)/common.sh
D=$W/mp; rm -rf $D; mkdir -p $D
# E26: process 0 of 2 with --shard_size=1, process 1 of 2 with --shard_size=2
TAILN=2 s e26a pd --input=$O/p02/in --output=$D/s26 $PD --shard_size=1 --process_index=0 --process_count=2; ls $D/s26
TAILN=3 s e26b pd --input=$O/p02/in --output=$D/s26 $PD --shard_size=2 --process_index=1 --process_count=2; ls $D/s26
# E27: process 1 reads another folder of 4 videos (same class names, other clips)
mkdir -p $D/in2/cat $D/in2/dog; cp $V/v4.mp4 $V/v5.mp4 $D/in2/cat/; cp $V/v6.mp4 $V/v7.mp4 $D/in2/dog/
TAILN=2 s e27a pd --input=$O/p02/in --output=$D/s27 $PD --shard_size=1 --process_index=0 --process_count=2
TAILN=3 s e27b pd --input=$D/in2 --output=$D/s27 $PD --shard_size=1 --process_index=1 --process_count=2; ls $D/s27
[ -f $D/s27/manifest.json ] && py $H35/frames.py $D/s27
# E28: only process 0 of 2 ran (twice, the second by mistake with index 0 again); then training on the set
TAILN=2 s e28a pd --input=$O/p02/in --output=$D/s28 $PD --shard_size=1 --process_index=0 --process_count=2
TAILN=2 s e28b pd --input=$O/p02/in --output=$D/s28 $PD --shard_size=1 --process_index=0 --process_count=2; ls $D/s28
TAILN=3 s e28 m --config=$TINY:steps=2 --workdir=$D/run28 $RS --config.data.path=$D/s28; ls $D/run28 2>&1
# E29: a zero-byte .mp4 and a text file named .mp4 among the class folders
mkdir -p $D/in29/cat $D/in29/dog; cp $O/p02/in/cat/* $D/in29/cat/; cp $O/p02/in/dog/* $D/in29/dog/
: > $D/in29/cat/empty.mp4; echo "this is not a video" > $D/in29/dog/notes.mp4
TAILN=5 s e29 pd --input=$D/in29 --output=$D/s29 $PD; ls $D/s29 2>&1
[ -f $D/s29/manifest.json ] && python -c "import json,sys; m=json.load(open(sys.argv[1])); print('num_examples', m['num_examples'], 'skipped', m.get('skipped'))" $D/s29/manifest.json
# E28 again with a run the curriculum accepts (steps=4)
TAILN=3 s e28c m --config=$TINY:steps=4 --workdir=$D/run28 $RS --config.data.path=$D/s28; ls $D/run28 2>&1
