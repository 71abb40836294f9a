# V13-V15: prepare_data --shard_size, --num_classes, --process_index/--process_count misuse
. /tmp/r26/env.sh
L=/tmp/r26/log; O2=/tmp/r26/out/pd; rm -rf $O2; mkdir -p $O2
p() { n=$1; shift; pd "$@" > $L/$n.out 2>&1; echo "-- $n: $(grep -v WARNING $L/$n.out | grep -v '^\s*$' | cut -c1-450 | tail -4)"; }
man() { python -c "
import json,sys,os
d=sys.argv[1]
if not os.path.exists(d+'/manifest.json'): print('   no manifest; ls:', sorted(os.listdir(d)) if os.path.isdir(d) else '-'); sys.exit()
m=json.load(open(d+'/manifest.json')); print('   manifest: num_examples', m['num_examples'], 'num_classes', m.get('num_classes'), 'class_names', m.get('class_names'), 'shards', [(s['file'], s['num_examples']) for s in m['shards']])" $1; }
echo "== V13 shard_size"
for s in 1000 1 0 -1; do p v13_$s --input=$O/p02/in --output=$O2/s$s $PD --shard_size=$s; man $O2/s$s; done
echo "== V14 num_classes"
for k in 1 2 5; do p v14_$k --input=$O/p02/in --output=$O2/k$k $PD --num_classes=$k; man $O2/k$k; done
printf 'video,label\n%s,0\n%s,1\n%s,2\n%s,3\n' $V/v0.mp4 $V/v1.mp4 $V/v2.mp4 $V/v3.mp4 > $O2/l4.csv
p v14_csv2 --input=$O2/l4.csv --output=$O2/c2 $PD --num_classes=2; man $O2/c2
p v14_csv0 --input=$O2/l4.csv --output=$O2/c0 $PD; man $O2/c0
echo "== V15 process_index/count"
p v15_a --input=$O/p02/in --output=$O2/pa $PD --process_index=2 --process_count=2; man $O2/pa
p v15_b --input=$O/p02/in --output=$O2/pb $PD --process_index=-1 --process_count=2; man $O2/pb
p v15_c --input=$O/p02/in --output=$O2/pc $PD --process_index=0 --process_count=0; man $O2/pc
p v15_d --input=$O/p02/in --output=$O2/pd $PD --process_index=1; man $O2/pd
p v15_e --input=$O/p02/in --output=$O2/pe $PD --process_count=2; man $O2/pe
p v15_f0 --input=$O/p02/in --output=$O2/pf $PD --process_index=0 --process_count=2 --shard_size=1; man $O2/pf; ls $O2/pf
p v15_f1 --input=$O/p02/in --output=$O2/pf $PD --process_index=1 --process_count=3 --shard_size=1; man $O2/pf; ls $O2/pf
p v15_f2 --input=$O/p02/in --output=$O2/pf $PD --process_index=1 --process_count=2 --shard_size=1; man $O2/pf; ls $O2/pf
p v15_g --input=$O/p02/in --output=$O2/pg $PD --process_index=0 --process_count=8; man $O2/pg; ls $O2/pg
