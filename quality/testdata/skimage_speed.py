"""Times scikit-image's PSNR and SSIM on the 1920x1080 pair of
quality's BenchmarkXxx1080p (astronaut.png tiled, plus uniform noise of
+-0.01), for the side-by-side figures in docs/BENCHMARKS.md.

Usage: /usr/bin/python3 quality/testdata/skimage_speed.py [IMAGES_DIR]
"""
import sys
import time

import numpy as np
from skimage import io
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

images = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/images"
a = io.imread(images + "/astronaut.png").astype(np.float64) / 255
ref = np.tile(a, (3, 4, 1))[:1080, :1920]
test = np.clip(ref + 0.02 * (np.random.default_rng(1080).random(ref.shape) - 0.5), 0, 1)
runs = 3
for name, f in [
    ("peak_signal_noise_ratio", lambda: peak_signal_noise_ratio(ref, test, data_range=1.0)),
    ("structural_similarity", lambda: structural_similarity(
        ref, test, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        data_range=1.0, channel_axis=-1)),
]:
    f()
    start = time.perf_counter()
    for _ in range(runs):
        f()
    print(f"{name}: {(time.perf_counter() - start) / runs * 1000:.0f} ms per pair")
