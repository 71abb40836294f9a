. /tmp/r24/env.sh
rm -rf $O/t34; mkdir -p $O/t34
ex --workdir=$T2V --output=$O/t34/ex 2>&1 | tail -1
T2VZ=$(echo $T2VF | sed 's#--config.data.path=[^ ]*##')
echo "== text export, no data.path, prompt"; m --config=$TT:steps=6 $T2VZ --mode=sample --workdir=$O/t34/ex --output=$O/t34/a --prompt="clip number 1 moving" --num_samples=1 --seed=3 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
echo "== with data.path"; m --config=$TT:steps=6 $T2VF --mode=sample --workdir=$O/t34/ex --output=$O/t34/b --prompt="clip number 1 moving" --num_samples=1 --seed=3 2>&1 | grep -v WARNING | cut -c1-120 | tail -2
echo "== no data.path, no prompt"; m --config=$TT:steps=6 $T2VZ --mode=sample --workdir=$O/t34/ex --output=$O/t34/c --num_samples=2 2>&1 | grep -v WARNING | cut -c1-300 | tail -3
cat $O/t34/c_clips/captions.txt 2>&1
python3 -c "
from PIL import Image, ImageSequence
import numpy as np
fr=lambda s: np.stack([np.asarray(f.convert('RGB')).astype(int) for f in ImageSequence.Iterator(Image.open(s))])
print('a vs b max diff', np.abs(fr('$O/t34/a_clips/000_prompt0.gif')-fr('$O/t34/b_clips/000_prompt0.gif')).max())"
