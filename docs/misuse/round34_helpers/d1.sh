# D28-D30: training / sampling over an edited or moved record set
. $(dirname $0)/common.sh
D=$W/d; rm -rf $D; mkdir -p $D
# D28: manifest num_examples edited larger (4 -> 9), then train 4 steps on it
cp -r $O/p02/train $D/big; python -c "
import json; p='$D/big/manifest.json'; d=json.load(open(p)); print('before', d['num_examples'], [s.get('num_examples') for s in d.get('shards', [])]); d['num_examples']=9; json.dump(d,open(p,'w'))"
TAILN=3 s d28 m --config=$TINY:steps=4 --workdir=$D/r28 $RS --config.data.path=$D/big
# D29: a run trained on a set, the set then moved, then --mode=sample without a data.path
cp -r $O/p02/train $D/set29
s d29_train m --config=$TINY:steps=4 --workdir=$D/r29 $RS --config.data.path=$D/set29
mv $D/set29 $D/set29moved
TAILN=3 s d29 m --mode=sample --config=$TINY:steps=4 --workdir=$D/r29 $RS --config.data.path=$D/set29 --output=$D/s29
ls $D/s29 $D/r29/samples 2>&1 | tr '\n' ' '; echo
# D30: data.path naming a shard file instead of the folder
cp -r $O/p02/train $D/set30
TAILN=3 s d30 m --config=$TINY:steps=4 --workdir=$D/r30 $RS --config.data.path=$D/set30/shard-00000.array_record
ls $D/r30 2>&1 | tr '\n' ' '; echo
