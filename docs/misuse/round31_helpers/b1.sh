# Part B: fixtures copied and edited; Pipeline; resumes with changed config
. $(dirname $0)/common.sh
A=$O2/b; rm -rf $A; mkdir -p $A
for x in readme_edited readme_deleted extra_files config_reindented; do cp -r $EX $A/$x; done
printf '\n\nMy notes: trained by me.\n' >> $A/readme_edited/README.md
rm $A/readme_deleted/README.md
cp $EX/model.safetensors $A/extra_files/model-00001-of-00002.safetensors; echo '{}' > $A/extra_files/generation_config.json; echo junk > $A/extra_files/notes.txt
python -c "import json,sys; d=json.load(open('$EX/config.json')); json.dump(d, open('$A/config_reindented/config.json','w'), indent=4, sort_keys=True)"
md5sum $A/*/* > $A/md5_before
TAILN=30 s p1 py $H31/p1.py $A
md5sum $A/*/* | diff $A/md5_before - && echo files-unchanged
