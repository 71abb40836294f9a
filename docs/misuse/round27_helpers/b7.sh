# runs b7.py's four cases (Pipeline API)
. $(dirname $0)/common.sh
D=$O2/b7; mkdir -p $D
[ -d $O/t2vex ] || ex --workdir=$T2V --output=$O/t2vex > $L/b7_t2vex.out 2>&1
for c in seeds copies latents prompts; do s p_$c py docs/misuse/round27_helpers/b7.py $EX $O/t2vex $c; grep -v "WARNING" $L/p_$c.out | grep -- "->\|identical\|rc=" | cut -c1-400; done
