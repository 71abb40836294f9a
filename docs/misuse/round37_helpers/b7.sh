# disk full (small tmpfs mounts under /tmp/r37): export, export over an existing export, sample, prepare_data
. $(dirname $0)/common.sh
F=/tmp/r37/full; mountpoint -q $F || mount -t tmpfs -o size=200k tmpfs $F
s g15 ex --workdir=$W/n --output=$F/ex
ls -la $F $F/* 2>&1 | head; df -k $F | tail -1
F2=/tmp/r37/full2; mkdir -p $F2; mountpoint -q $F2 || mount -t tmpfs -o size=500k tmpfs $F2
rm -rf $F2/ex; cp -r $W/n_ex2 $F2/ex; sha256sum $F2/ex/model.safetensors | cut -c1-12; df -k $F2 | tail -1
s g16 ex --workdir=$W/n --output=$F2/ex --step=5
ls -la $F2 $F2/ex; sha256sum $F2/ex/model.safetensors | cut -c1-12; grep -o '"step": [0-9]*' $F2/ex/config.json | head -1
s g16b py -c "from eflow_jax import pipeline; p=pipeline.Pipeline.from_pretrained('$F2/ex'); print('loaded step', p.step)"
F3=/tmp/r37/full3; mkdir -p $F3; mountpoint -q $F3 || mount -t tmpfs -o size=48k tmpfs $F3
s g17 m --config=$TINY:steps=6 --workdir=$W/n --mode=sample --output=$F3/s --config.sample.num_samples=64
ls -la $F3 $F3/s 2>&1 | head
