# another run of the SAME config put in place of a run's newest step; a step without meta/; prepare_data with URL paths and with image folders
. $(dirname $0)/common.sh
D=$W/c; rm -rf $D; mkdir -p $D
# C1: a second 12-step run of the same tiny config (another seed); its step 12 replaces a $B copy's step 12
TAILN=2 s c1_train m --config=$TINY:steps=12 --workdir=$D/other --config.seed=7
cp -r $B $D/run; rm -rf $D/run/checkpoints/12; cp -r $D/other/checkpoints/12 $D/run/checkpoints/12
TAILN=3 s c1_export ex --workdir=$D/run --output=$D/exp; md5sum $D/exp/model.safetensors
TAILN=2 s c1_export_other ex --workdir=$D/other --output=$D/exp_other; md5sum $D/exp_other/model.safetensors
TAILN=3 s c1_sample m --config=$TINY:steps=12 --workdir=$D/run --mode=sample --num_samples=1 --output=$D/s1
TAILN=4 s c1_resume m --config=$TINY:steps=14 --workdir=$D/run; ls $D/run/checkpoints
# C2: step 12 without its meta/ item
cp -r $B $D/nometa; rm -rf $D/nometa/checkpoints/12/meta
TAILN=3 s c2_export ex --workdir=$D/nometa --output=$D/exp_nometa; grep -o "trained for [0-9]* steps[^.]*" $D/exp_nometa/README.md 2>/dev/null
TAILN=3 s c2_sample m --config=$TINY:steps=12 --workdir=$D/nometa --mode=sample --num_samples=1 --output=$D/s2
# C3: a .jsonl whose video paths are URLs
printf '{"video": "https://example.com/a.mp4", "label": 0}\n{"video": "http://example.com/b.mp4", "label": 1}\n' > $D/urls.jsonl
TAILN=3 s c3 pd --input=$D/urls.jsonl --output=$D/s_urls $PD; ls $D/s_urls 2>&1
# C4: class folders of PNG images, not videos
mkdir -p $D/img/cat $D/img/dog
python -c "
from PIL import Image; import numpy as np, sys
for c in ('cat','dog'):
  for i in range(2): Image.fromarray((np.random.rand(16,16,3)*255).astype('uint8')).save(f'$D/img/{c}/{i}.png')"
TAILN=4 s c4 pd --input=$D/img --output=$D/s_img $PD; ls $D/s_img 2>&1
