# D18-D27: prepare_data input edges
. $(dirname $0)/common.sh
D=$W/c; rm -rf $D; mkdir -p $D
RD="py $H30/readset.py"
# D18: --output equal to --input, and --output inside --input (class folders)
cp -r $O/p02/in $D/in18
TAILN=3 s d18 pd --input=$D/in18 --output=$D/in18 $PD
TAILN=3 s d18b pd --input=$D/in18 --output=$D/in18/cat/set $PD
find $D/in18 | sort | tr '\n' ' '; echo
# D19: a .jsonl with a UTF-8 BOM and CRLF line endings (captions), against the setup's set from the plain list
python - <<PY
t = open("$O/t2v/l.jsonl").read().replace("\n", "\r\n")
open("$D/bom.jsonl", "wb").write(b"\xef\xbb\xbf" + t.encode())
PY
s d19 pd --input=$D/bom.jsonl --output=$D/set19 $PD --text_encoder=$UMT5 --text_length=8
$RD $O/t2v/set > $L/d19_ref.txt 2>&1; $RD $D/set19 > $L/d19_after.txt 2>&1; diff $L/d19_ref.txt $L/d19_after.txt && echo D19_SAME_SET
# D20: one video listed twice (same label)
printf '{"video": "%s", "label": "cat"}\n{"video": "%s", "label": "dog"}\n{"video": "%s", "label": "cat"}\n' $V/v0.mp4 $V/v1.mp4 $V/v0.mp4 > $D/dup.jsonl
TAILN=3 s d20 pd --input=$D/dup.jsonl --output=$D/set20 $PD
ls $D/set20 2>&1 | tr '\n' ' '; echo
# D21: a blank caption; and a caption that is only a newline escape
printf '{"video": "%s", "caption": "a digit"}\n{"video": "%s", "caption": ""}\n' $V/v0.mp4 $V/v1.mp4 > $D/blank.jsonl
printf '{"video": "%s", "caption": "a digit"}\n{"video": "%s", "caption": "\\n\\t"}\n' $V/v0.mp4 $V/v1.mp4 > $D/blank2.jsonl
TAILN=2 s d21 pd --input=$D/blank.jsonl --output=$D/set21 $PD --text_encoder=$UMT5 --text_length=8
TAILN=2 s d21b pd --input=$D/blank2.jsonl --output=$D/set21b $PD --text_encoder=$UMT5 --text_length=8
# D22: a negative label (-1) among numeric labels
printf '{"video": "%s", "label": 0}\n{"video": "%s", "label": -1}\n{"video": "%s", "label": 1}\n' $V/v0.mp4 $V/v1.mp4 $V/v2.mp4 > $D/neg.jsonl
TAILN=3 s d22 pd --input=$D/neg.jsonl --output=$D/set22 $PD
[ -d $D/set22 ] && $RD $D/set22
# D23: videos listed by relative paths with '..' (from a list in a sibling folder), against absolute paths
mkdir -p $D/lists $D/vids; cp $V/v0.mp4 $V/v1.mp4 $D/vids/
printf '{"video": "../vids/v0.mp4", "label": "a"}\n{"video": "../lists/../vids/v1.mp4", "label": "b"}\n' > $D/lists/rel.jsonl
printf '{"video": "%s", "label": "a"}\n{"video": "%s", "label": "b"}\n' $D/vids/v0.mp4 $D/vids/v1.mp4 > $D/abs.jsonl
s d23 pd --input=$D/lists/rel.jsonl --output=$D/set23 $PD
pd --input=$D/abs.jsonl --output=$D/set23abs $PD > /dev/null 2>&1
$RD $D/set23 > $L/d23_rel.txt 2>&1; $RD $D/set23abs > $L/d23_abs.txt 2>&1; diff $L/d23_rel.txt $L/d23_abs.txt && echo D23_SAME_SET
# D24: a symlink loop in the class-folder tree (cat/loop -> ..), and a class folder that is a symlink to the other
cp -r $O/p02/in $D/in24; ln -s .. $D/in24/cat/loop
TAILN=3 s d24 pd --input=$D/in24 --output=$D/set24 $PD
cp -r $O/p02/in $D/in24b; ln -s dog $D/in24b/bird
TAILN=3 s d24b pd --input=$D/in24b --output=$D/set24b $PD
[ -d $D/set24b ] && $RD $D/set24b | head -3
# D25: --frame_stride larger than the video (6 frames, stride 10, 4 frames wanted)
TAILN=3 s d25 pd --input=$O/p02/in --output=$D/set25 $PD --frame_stride=10
[ -d $D/set25 ] && py $H34/frames.py $D/set25 | head -4
# D26: --shard_size=0, -1, 10**12
TAILN=1 s d26a pd --input=$O/p02/in --output=$D/set26a $PD --shard_size=0
TAILN=1 s d26b pd --input=$O/p02/in --output=$D/set26b $PD --shard_size=-1
TAILN=2 s d26c pd --input=$O/p02/in --output=$D/set26c $PD --shard_size=1000000000000
ls $D/set26a $D/set26b 2>&1 | tr '\n' ' '; echo; [ -d $D/set26c ] && $RD $D/set26c | head -2
# D27: a video shorter than --frames (6-frame videos, --frames=8)
TAILN=3 s d27 pd --input=$O/p02/in --output=$D/set27 --autoencoder=identity --frames=8 --height=16 --width=16 --no_progress
[ -d $D/set27 ] && py $H34/frames.py $D/set27 | head -4
