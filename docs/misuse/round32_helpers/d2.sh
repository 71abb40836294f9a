# Part D2: a real set-aside step (resume from 10 to 11: 12 set aside), then --step=12 for sample / eval / export; one_step with --sample_steps=4
. $(dirname $0)/common.sh
D=$O2/d; rm -rf $D/s; cp -r $B $D/s
TAILN=6 s b25 m --config=tests/tiny_config.py:steps=11 --workdir=$D/s --resume_from_step=10; ls $D/s/checkpoints
TAILN=4 s b26 m --config=tests/tiny_config.py:steps=11 --workdir=$D/s --mode=sample --step=12 --num_samples=2 --output=$D/b26; ls $D
TAILN=4 s b27 m --config=tests/tiny_config.py:steps=11 --workdir=$D/s --mode=eval --step=12 $EV --output=$D/b27.json
TAILN=4 s b28 ex --workdir=$D/s --step=12 --output=$D/b28; ls $D
TAILN=4 s b29 m --config=$TT:steps=6 --workdir=$T2V $T2VF --mode=sample --num_samples=1 --prompt='clip number 2 moving' --sampler=one_step --sample_steps=4 --output=$D/b29
TAILN=4 s b29b m --config=$TT:steps=6 --workdir=$T2V $T2VF --mode=sample --num_samples=1 --prompt='clip number 2 moving' --sampler=one_step --output=$D/b29b
python $WT/docs/misuse/round30_helpers/gifeq.py $D/b29.gif $D/b29b.gif
