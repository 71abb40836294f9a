# re-run of Y33 (a4.sh): eval --output as two words through lnk/.. (existing folder, new folder; = form)
. $(dirname $0)/rr_common.sh
A=$O2/a4_rr; rm -rf $A; mkdir -p $A/real/sub; ln -s real/sub $A/lnk
s y33sp m --config=$CFG --mode=eval --workdir=$B $EV --output $A/lnk/../rep.json
s y33spb m --config=$CFG --mode=eval --workdir=$B $EV --output $A/lnk/../reports/rep.json
s y33eqb m --config=$CFG --mode=eval --workdir=$B $EV --output=$A/lnk/../reports2/rep.json
find $A | sort
