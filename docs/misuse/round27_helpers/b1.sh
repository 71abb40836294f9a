# W01-W04: --mode=sample grid edges, default names, CLI seeds (base run $B)
. $(dirname $0)/common.sh
D=$O2/b1; rm -rf $D; mkdir -p $D
echo "== W01 sample_columns larger than the clips"
s w01_c1000 m --config=$CFG --mode=sample --workdir=$B --output=$D/c1000 --num_samples=4 --config.sample_columns=1000
s w01_c300 m --config=$CFG --mode=sample --workdir=$B --output=$D/c300 --num_samples=4 --config.sample_columns=300
s w01_c240 m --config=$CFG --mode=sample --workdir=$B --output=$D/c240 --num_samples=4 --config.sample_columns=240
ls $D
echo "== W02 grid counts at the limit"
s w02_1x240 m --config=$CFG --mode=sample --workdir=$B --output=$D/g240 --num_samples=240 --config.sample_columns=1
s w02_1x241 m --config=$CFG --mode=sample --workdir=$B --output=$D/g241 --num_samples=241 --config.sample_columns=1
s w02_5x1201 m --config=$CFG --mode=sample --workdir=$B --output=$D/g1201 --num_samples=1201
s w02_5x1200 m --config=$CFG --mode=sample --workdir=$B --output=$D/g1200 --num_samples=1200
for g in g240 g1200; do python -c "
import av, sys
from PIL import Image
p='$D/$g'
c=av.open(p+'.mp4'); st=c.streams.video[0]; fr=[f.to_ndarray(format='rgb24') for f in c.decode(st)]; print('$g mp4', len(fr), fr[0].shape if fr else None, st.codec_context.name)
im=Image.open(p+'.gif'); print('$g gif', im.size, im.n_frames)
"; ls $D/${g}_clips | wc -l; done
echo "== W03 default sample name with a config override that changes the clips"
rm -rf $D/w03; cp -r $B $D/w03
s w03_a m --config=$CFG --mode=sample --workdir=$D/w03 --num_samples=2
ls -la $D/w03/samples; md5sum $D/w03/samples/*.gif $D/w03/samples/*_clips/* > $D/w03_first.md5; cat $D/w03_first.md5
s w03_b m --config=$CFG --mode=sample --workdir=$D/w03 --num_samples=2 --config.flow.inference_shift=1.0
ls -la $D/w03/samples; md5sum $D/w03/samples/*.gif $D/w03/samples/*_clips/*
s w03_c m --config=$CFG --mode=sample --workdir=$D/w03 --num_samples=2 --config.flow.inference_shift=1.0 --output=$D/w03_shift1
s w03_d m --config=$CFG --mode=sample --workdir=$D/w03 --num_samples=2 --output=$D/w03_shift3
md5sum $D/w03_shift1.gif $D/w03_shift3.gif
echo "== W04 CLI --seed values"
for sd in -1 4294967295 4294967296 1e3 0x10 " 7"; do s "w04_$sd" m --config=$CFG --mode=sample --workdir=$B --output=$D/seed_${sd// /_} --num_samples=2 --seed="$sd"; done
ls $D | grep seed
