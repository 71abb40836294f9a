. /tmp/r25/env.sh
rm -rf $O/u37; mkdir -p $O/u37
printf '\xef\xbb\xbfclip number 1 moving\r\nclip number 2 moving\r\n\r\n' > $O/u37/p.txt; od -c $O/u37/p.txt | head -3
echo "== sample the text run with a BOM + CRLF prompts file"; m --config=$TT:steps=6 $T2VF --mode=sample --workdir=$T2V --prompts_file=$O/u37/p.txt --output=$O/u37/a 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
od -c $O/u37/a_clips/captions.txt | head -5
printf 'clip number 1 moving\nclip number 2 moving\n' > $O/u37/q.txt
m --config=$TT:steps=6 $T2VF --mode=sample --workdir=$T2V --prompts_file=$O/u37/q.txt --output=$O/u37/b 2>&1 | grep -v WARNING | cut -c1-100 | tail -1
python - <<PY
from PIL import Image, ImageSequence; import hashlib
for s in ('a','b'):
  for i in (0,1):
    import glob; f=sorted(glob.glob('$O/u37/%s_clips/00%d_*.gif'%(s,i)))[0]; print(f.split('/')[-1], hashlib.md5(b"".join(fr.convert("RGB").tobytes() for fr in ImageSequence.Iterator(Image.open(f)))).hexdigest()[:10])
PY
