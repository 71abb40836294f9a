# Part A: paths through lnk/.. in the SPACE-separated flag form (--flag value), '~' quoted, pathlib.Path
. $(dirname $0)/common.sh
A=$O2/a; rm -rf $A; mkdir -p $A/real/sub; ln -s real/sub $A/lnk
cp -r $B $A/real/run                      # what the system reaches through lnk/../run: steps 10 and 12
cp -r $B $A/run; rm -rf $A/run/checkpoints/12   # what a textual normalisation of lnk/../run names: step 10 only
echo "real/run steps: $(ls $A/real/run/checkpoints)  run (textual) steps: $(ls $A/run/checkpoints)"
# Y01: --workdir given as two words
s y01eq m --config=$CFG --mode=sample --workdir=$A/lnk/../run --num_samples=2 --output=$A/y01eq
s y01sp m --config=$CFG --mode=sample --workdir $A/lnk/../run --num_samples=2 --output=$A/y01sp
# Y02: --output given as two words
s y02eq m --config=$CFG --mode=sample --workdir=$B --num_samples=2 --output=$A/lnk/../y02eq
s y02sp m --config=$CFG --mode=sample --workdir=$B --num_samples=2 --output $A/lnk/../y02sp
find $A -maxdepth 3 -name 'y0*' | sort
# Y03: export, both paths as two words
s y03sp ex --workdir $A/lnk/../run --output $A/lnk/../y03exp
s y03eq ex --workdir=$A/lnk/../run --output=$A/lnk/../y03eqexp
find $A -maxdepth 3 -name 'y03*' | sort
for f in $A/y03exp $A/real/y03exp $A/real/y03eqexp; do [ -f $f/config.json ] && echo "$f step $(python -c "import json;print(json.load(open('$f/config.json'))['step'])")"; done
