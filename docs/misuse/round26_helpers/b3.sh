# V10: model card vs config: export of step 10 of the base run; a run trained with other sampler settings, exported
. /tmp/r26/env.sh
L=/tmp/r26/log; O2=/tmp/r26/out; R2=/tmp/r26/runs
rm -rf $O2/v10a $O2/v10b $R2/v10
ex --workdir=$B --output=$O2/v10a --step=10 > $L/v10a.out 2>&1; grep -v WARNING $L/v10a.out | cut -c1-300; grep -n "trained for\|steps=\|sampler" $O2/v10a/README.md
m --config=tests/tiny_config.py:steps=4 --workdir=$R2/v10 --config.flow.inference_steps=2 --config.flow.w_inf=3.0 --config.flow.sampler=euler_cfg > $L/v10t.out 2>&1; grep -v WARNING $L/v10t.out | grep -v "^step" | cut -c1-300 | tail -5
ex --workdir=$R2/v10 --output=$O2/v10b > $L/v10b.out 2>&1; grep -v WARNING $L/v10b.out | cut -c1-300; cat $O2/v10b/README.md | head -22
python -c "
import json;c=json.load(open('$O2/v10b/config.json'))['config'];print(c['flow']['sampler'],c['flow']['inference_steps'],c['flow']['w_inf'],c['model']['num_classes'],c['total_steps'])"
