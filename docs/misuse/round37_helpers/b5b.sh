# continues b5.sh: step 6 retrained with --allow_resume_change=seed, then exported: the old eval report of step 6?
. $(dirname $0)/common.sh
grep -i "eval\|fvd\|objective\|loss" $W/n_ex/README.md | head -5 > $L/g13_card_before.txt
s g13d m --config=$TINY:steps=6 --workdir=$W/n --resume_from_step=5 --config.seed=11 --allow_resume_change=seed
ls $W/n
TAILN=5 s g13e ex --workdir=$W/n --output=$W/n_ex2
echo "card before:"; cat $L/g13_card_before.txt; echo "card after:"; grep -i "eval\|objective\|loss" $W/n_ex2/README.md | head -8
python -c "
import json,hashlib;from safetensors.numpy import load_file
" 
