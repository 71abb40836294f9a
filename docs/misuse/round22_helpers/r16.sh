# R16: an export scored with data.holdout_examples on a grown list whose new videos were added at the TOP (the tail is training clips)
. /tmp/r22/env.sh
set -x
# R24: the cat/dog run's EXPORT scored on a grown list: two new videos ADDED AT THE TOP (v4 cat, v6 dog), then the 4 training videos; holdout_examples=2 (the last 2 = v2, v3: trained)
ex --workdir=$R/rs --output=$O/rsex
printf 'video,label\n%s,cat\n%s,dog\n%s,cat\n%s,cat\n%s,dog\n%s,dog\n' $V/v4.mp4 $V/v6.mp4 $V/v0.mp4 $V/v1.mp4 $V/v2.mp4 $V/v3.mp4 > $O/r24.csv
pd --input=$O/r24.csv --output=$O/r24set $PD
m --config=$CFG --workdir=$O/rsex $RS --config.data.path=$O/r24set --config.data.holdout_examples=2 --mode=eval $EV --output=$O/r24/ev.json
python -c "import json;print(json.load(open('$O/r24/ev.json'))['protocol']['eval_set'])"
# and the same list scored whole as data.eval_path (for comparison)
m --config=$CFG --workdir=$O/rsex $RS --config.data.path=$O/p02/train --config.data.eval_path=$O/r24set --mode=eval $EV --output=$O/r24/ev2.json
python -c "import json;print(json.load(open('$O/r24/ev2.json'))['protocol']['eval_set'])"
