# V21-V26: quick CLI checks (sample steps/guidance, prepare_data geometry, text_length, batch > set size)
. /tmp/r26/env.sh
L=/tmp/r26/log; O2=/tmp/r26/out/b9; R2=/tmp/r26/runs; rm -rf $O2; mkdir -p $O2
r() { n=$1; shift; m "$@" > $L/$n.out 2>&1; echo "-- $n: $(grep -v '^step' $L/$n.out | cut -c1-400 | tail -3)"; }
p() { n=$1; shift; pd "$@" > $L/$n.out 2>&1; echo "-- $n: $(grep -v '^\s*$' $L/$n.out | cut -c1-400 | tail -3)"; }
echo "== V23 sample --sample_steps / --guidance"
for a in --sample_steps=0 --sample_steps=-1 --sample_steps=100000 --guidance=-1 --guidance=nan --guidance=inf --guidance=1e9 --guidance=0 "--sampler=one_step --sample_steps=4" "--sampler=euler_cfg --guidance=1"; do
  r "v23_${a//[ =]/_}" --config=$CFG --mode=sample --workdir=$B --output=$O2/s_${a//[ =-]/_} --num_samples=2 $a; done
ls $O2 | grep -c gif
echo "== V24 prepare_data geometry"
for a in --frames=0 --frames=-4 --frames=3 --height=0 --width=-16 --frame_stride=0 --start_frame=-1 --start_frame=100 --height=15; do
  p "v24_$a" --input=$O/p02/in --output=$O2/g${a//[=-]/_} --autoencoder=identity --frames=4 --height=16 --width=16 --no_progress $a; done
echo "== V25 text_length"
for a in 0 -1 100000; do p v25_$a --input=$O/t2v/l.jsonl --output=$O2/t$a $PD --text_encoder=$UMT5 --text_length=$a; done
echo "== V26 data.batch_size larger than the set (4 clips), fresh run"
rm -rf $R2/v26; m --config=tests/tiny_config.py:steps=2 --workdir=$R2/v26 $RS --config.data.path=$O/p02/train --config.data.batch_size=8 > $L/v26.out 2>&1; grep -v '^step' $L/v26.out | cut -c1-400 | tail -4; grep -c '^step' $L/v26.out
