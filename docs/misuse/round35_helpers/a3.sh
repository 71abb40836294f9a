# E05c: another run's step folder in place of this run's newest; E09-E12: --mode=sample odd requests on a copy of $B
. $(dirname $0)/common.sh
rm -rf $W/e05c; mkdir -p $W/e05c; cp -r $B $W/e05c/run; rm -rf $W/e05c/run/checkpoints/12; cp -r $R/rs/checkpoints/12 $W/e05c/run/checkpoints/12
TAILN=4 s e05c ex --workdir=$W/e05c/run --output=$W/e05c/exp; ls $W/e05c/exp 2>&1; grep -o '"num_classes": [0-9]*' $W/e05c/exp/config.json 2>/dev/null
TAILN=4 s e05d m --config=$TINY:steps=12 --workdir=$W/e05c/run --mode=sample --num_samples=1 --output=$W/e05c/s; ls $W/e05c 2>&1
rm -rf $W/s; mkdir -p $W/s; cp -r $B $W/s/run
TAILN=4 s e09 m --config=$TINY:steps=12 --workdir=$W/s/run --mode=sample --num_samples=0 --output=$W/s/n0; ls $W/s
TAILN=4 s e10 m --config=$TINY:steps=12 --workdir=$W/s/run --mode=sample --num_samples=1 --class_id=10 --output=$W/s/c10
TAILN=4 s e10b m --config=$TINY:steps=12 --workdir=$W/s/run --mode=sample --num_samples=1 --class_id=-1 --output=$W/s/cm1
TAILN=6 s e11 m --config=$TINY:steps=12 --workdir=$W/s/run --mode=sample --num_samples=2 --sampler=one_step --sample_steps=8 --guidance=3 --output=$W/s/os8
TAILN=6 s e11b m --config=$TINY:steps=12 --workdir=$W/s/run --mode=sample --num_samples=2 --sampler=one_step --output=$W/s/os1
ls -la $W/s
TAILN=4 s e12 m --config=$TINY:steps=12 --workdir=$W/s/run --mode=sample --num_samples=1000000 --output=$W/s/big
ls $W/s/run; ls $W/s
