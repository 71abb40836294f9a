# verification reruns of round-27 findings (W01's advised count, W04's ' 7', W04's 0x10 against 16)
. $(dirname $0)/common.sh
D=$O2/v1; rm -rf $D; mkdir -p $D
s w01_n1_c1000 m --config=$CFG --mode=sample --workdir=$B --output=$D/n1c1000 --num_samples=1 --config.sample_columns=1000
s w01_c1000_again m --config=$CFG --mode=sample --workdir=$B --output=$D/c1000 --num_samples=4 --config.sample_columns=1000
s w04_space7 m --config=$CFG --mode=sample --workdir=$B --output=$D/seed_space7 --num_samples=2 "--seed= 7"
s w04_16 m --config=$CFG --mode=sample --workdir=$B --output=$D/seed_16 --num_samples=2 --seed=16
/work/main/.venv/bin/python -c "
import numpy as np
from PIL import Image, ImageSequence
px = lambda p: np.stack([np.asarray(f.convert('RGB')) for f in ImageSequence.Iterator(Image.open(p))])
print('0x10 pixels == 16 pixels:', (px('$O2/b1/seed_0x10.gif') == px('$D/seed_16.gif')).all())"
