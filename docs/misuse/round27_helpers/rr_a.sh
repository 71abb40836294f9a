# re-run of W01 (sample_columns > clips), W03 (inference_shift in the default sample name), W05 (--compilation_cache inside checkpoints/)
. $(dirname $0)/rr_common.sh
D=$RR/a; rm -rf $D; mkdir -p $D; cp -r $B $D/base
echo "== W01"
s w01_c1000 m --config=$CFG --mode=sample --workdir=$D/base --output=$D/c1000 --num_samples=4 --config.sample_columns=1000
s w01_n1_c1000 m --config=$CFG --mode=sample --workdir=$D/base --output=$D/n1c1000 --num_samples=1 --config.sample_columns=1000
s w01_c5 m --config=$CFG --mode=sample --workdir=$D/base --output=$D/c5 --num_samples=4 --config.sample_columns=5
s w01_c4 m --config=$CFG --mode=sample --workdir=$D/base --output=$D/c4 --num_samples=4 --config.sample_columns=4
python -c "
from PIL import Image
import av
for g in ('c1000','n1c1000','c5','c4'):
  p='$D/'+g
  try:
    im=Image.open(p+'.gif'); c=av.open(p+'.mp4'); st=c.streams.video[0]
    print(g, 'gif', im.size, 'frames', im.n_frames, 'mp4', st.codec_context.width, 'x', st.codec_context.height)
  except Exception as e: print(g, 'ERR', type(e).__name__, e)"
md5sum $D/c1000.gif $D/c4.gif $D/c5.gif
echo "== W03"
cp -r $B $D/w03
s w03_a m --config=$CFG --mode=sample --workdir=$D/w03 --num_samples=2
ls -la $D/w03/samples; (cd $D/w03/samples && md5sum *.gif *_clips/* | tee $D/w03_first.md5)
s w03_b m --config=$CFG --mode=sample --workdir=$D/w03 --num_samples=2 --config.flow.inference_shift=1.0
ls -la $D/w03/samples; (cd $D/w03/samples && md5sum -c $D/w03_first.md5; md5sum *.gif)
s w03_c m --config=$CFG --mode=sample --workdir=$D/w03 --num_samples=2 --config.flow.inference_shift=3.0
s w03_d m --config=$CFG --mode=sample --workdir=$D/w03 --num_samples=2 --config.flow.inference_shift=1
ls -la $D/w03/samples; (cd $D/w03/samples && md5sum -c $D/w03_first.md5; md5sum *.gif)
echo "== W05"
cp -r $B $D/w05
s w05_step m --config=$CFG --mode=sample --workdir=$D/w05 --output=$D/cs --num_samples=2 --compilation_cache=$D/w05/checkpoints/12/xla
ls -la $D/w05/checkpoints/12 $D/w05/checkpoints; ls $D | grep '^cs'
s w05_ckroot m --config=$CFG --mode=sample --workdir=$D/w05 --output=$D/cs2 --num_samples=2 --compilation_cache=$D/w05/checkpoints
ls -la $D/w05/checkpoints; ls $D | grep '^cs'
s w05_train m --config=tests/tiny_config.py:steps=14 --workdir=$D/w05 --compilation_cache=$D/w05/checkpoints/10/xla
ls $D/w05/checkpoints $D/w05/checkpoints/10
