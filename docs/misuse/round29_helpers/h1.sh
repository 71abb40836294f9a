# Part H: export. Y29: step 12 then step 10 into the same --output (with an eval report of step 12 in it); Y30: a bit-flipped newest step
. $(dirname $0)/common.sh
H=$O2/h; rm -rf $H $R2/h; mkdir -p $H $R2/h; W=$R2/h/run; cp -r $B $W
s y29a ex --workdir=$W --output=$H/e
s y29ev m --config=$CFG --mode=eval --workdir=$H/e $EV --output=$H/e/eval_mine.json
echo "my notes on the step-12 export" > $H/e/NOTES.md
md5sum $H/e/* | tee $L/y29_md5_a.txt
s y29b ex --workdir=$W --step=10 --output=$H/e
TAILN=5 s y29x true; grep -v WARNING:absl $L/y29b.out | tail -5
ls -la $H/e; md5sum $H/e/*; python -c "import json;print('config step', json.load(open('$H/e/config.json'))['step'])"
grep -n "step" $H/e/README.md | head -5
# Y30: one bit flipped in the middle of the newest step's largest array file
W=$R2/h/flip; cp -r $B $W
cmp $H/e/model.safetensors $EX/model.safetensors >/dev/null 2>&1; F=$(find $W/checkpoints/12 -type f -size +20k | xargs ls -S | head -1); echo "flipping a bit in $F ($(stat -c %s $F) bytes)"
python - "$F" <<PY
import sys; p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); i = len(b) // 2; b[i] ^= 0x10; open(p, 'wb').write(b); print('flipped byte', i)
PY
s y30a ex --workdir=$W --output=$H/flip_exp
TAILN=5 s y30x true; grep -v WARNING:absl $L/y30a.out | tail -5
[ -f $H/flip_exp/config.json ] && python -c "import json;print('export step', json.load(open('$H/flip_exp/config.json'))['step'])"
s y30b ex --workdir=$W --step=12 --output=$H/flip_exp12
ls $W/checkpoints
# is the flipped bit in the EMA weights? compare the exported tensors with the clean export of step 12
python $H29/st_cmp.py $EX/model.safetensors $H/flip_exp/model.safetensors
s y30c m --config=tests/tiny_config.py:steps=14 --workdir=$W
grep -v "WARNING:absl\|^step " $L/y30c.out | head; ls $W/checkpoints
