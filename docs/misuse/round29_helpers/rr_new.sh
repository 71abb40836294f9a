# new cases near the round-29 fixes (Y39-Y43); fresh folders under $O2/new_rr and $R2/new_rr
. $(dirname $0)/rr_common.sh
N=$O2/new_rr; rm -rf $N $R2/new_rr; mkdir -p $N/home $N/shared $R2/new_rr; W=$R2/new_rr/run; cp -r $B $W
echo "WT before: $(ls -a $WT | grep -x -e '~' -e '-' -e '--mode=sample' -e '-.gif' | tr '\n' ' ')"
# Y39: argparse's abbreviation of a path flag (--out for --output), two words and '=' form, with a quoted '~'
( export HOME=$N/home
  s y39a ex --workdir=$B --out '~/y39sp'
  s y39b ex --workdir=$B --out='~/y39eq'
  s y39c pd --input=$O/p02/in --out '~/y39set' $PD
  echo "HOME: $(ls $N/home | tr '\n' ' ')"; echo "WT ~: $(find $WT/'~' -maxdepth 2 2>/dev/null | tr '\n' ' ')" )
[ -d "$WT/~" ] && mv -- "$WT/~" $N/wt_tilde_moved
# Y40: --workdir given as two words but followed by another flag (--workdir --mode=sample)
TAILN=6 s y40 m --config=$CFG --workdir --mode=sample --num_samples=2
echo "WT: $(ls -a $WT | grep -e '^-' | tr '\n' ' ')"; find $WT/--mode=sample -maxdepth 2 2>/dev/null | head
[ -e "$WT/--mode=sample" ] && mv -- "$WT/--mode=sample" $N/wt_mode_sample_moved
# Y41 (in rr_g.sh): --rows twice with an unknown row
# Y42: a link at the DEFAULT eval name (run/eval_step000012.json -> shared/e12.json): same settings, then other settings
s y42a m --config=$CFG --mode=eval --workdir=$W $EV --output=$N/shared/e12.json
ln -s $N/shared/e12.json $W/eval_step000012.json; md5sum $N/shared/e12.json > $L/y42_md5.txt; stat -c '%y %n' $N/shared/e12.json
TAILN=2 s y42b m --config=$CFG --mode=eval --workdir=$W $EV
ls -la $W | grep eval; ls -la $N/shared; md5sum -c $L/y42_md5.txt; stat -c '%y %n' $N/shared/e12.json
md5sum $N/shared/e12.json > $L/y42_md5b.txt
TAILN=2 s y42c m --config=$CFG --mode=eval --workdir=$W $EV --config.flow.inference_steps=2
ls -la $W | grep eval; ls -la $N/shared; md5sum -c $L/y42_md5b.txt
for f in $N/shared/*.json $W/eval_step*.json; do python -c "import json;d=json.load(open('$f'));print('$f', d['step'], d['protocol']['sampler_steps'])"; done
# Y43: --mode=sample --output - (two words) and --output=-
s y43a m --config=$CFG --mode=sample --workdir=$W --num_samples=2 --output -
s y43b m --config=$CFG --mode=sample --workdir=$W --num_samples=2 --output=-
s y43c ex --workdir=$B --output -
echo "WT: $(ls -a $WT | grep -e '^-' | tr '\n' ' ')"; ls $W/samples 2>/dev/null
[ -e "$WT/-" ] && mv -- "$WT/-" $N/wt_dash_moved
for f in $WT/-.gif $WT/-.mp4 $WT/-_clips; do [ -e "$f" ] && mv -- "$f" $N/; done
echo "WT after: $(ls -a $WT | grep -x -e '~' -e '-' -e '--mode=sample' -e '-.gif' | tr '\n' ' ')"
