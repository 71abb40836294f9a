. /tmp/r24/env.sh
rm -rf $O/t30; mkdir -p $O/t30/mine
python3 -c "
from PIL import Image; Image.new('RGB',(16,16),(255,0,0)).save('$O/t30/mine/000_class0.gif')"
echo "my favourite clips" > $O/t30/mine/notes.txt
md5sum $O/t30/mine/*
ln -s $O/t30/mine $O/t30/a_clips
m --config=$CFG --mode=sample --workdir=$B --output=$O/t30/a --num_samples=2 2>&1 | grep -v WARNING | cut -c1-400 | tail -3
ls -la $O/t30 | cut -c40-; ls $O/t30/mine; md5sum $O/t30/mine/000_class0.gif $O/t30/mine/notes.txt
