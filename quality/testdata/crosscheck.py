"""Independent PSNR / SSIM values for Trident's quality tests.

Usage: python3 crosscheck.py REF1 TEST1 [REF2 TEST2 ...]
Prints one JSON object per pair: psnr, psnr_y, ssim (scikit-image) and
msssim (a direct NumPy/SciPy transcription of the five-scale definition,
filtering with scipy.ndimage and keeping the 'valid' window positions).
Images are 8-bit PNGs read as value/255.
"""
import json
import sys

import numpy as np
from scipy.ndimage import correlate1d
from skimage import io
from skimage.color import rgb2ycbcr
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
C1, C2 = 0.01 ** 2, 0.03 ** 2


def load(path):
    return io.imread(path).astype(np.float64) / 255.0


def luma(a):
    # skimage's rgb2ycbcr is MATLAB's studio-range BT.601: Y in [16, 235].
    if a.ndim == 2:
        return a
    return (rgb2ycbcr(a)[..., 0] - 16.0) / 219.0


def window():
    x = np.arange(11) - 5.0
    g = np.exp(-x * x / (2 * 1.5 * 1.5))
    return g / g.sum()


def stats(x, y):
    g = window()
    # The separable 11x11 window, rows then columns; the padded borders
    # are cut off, leaving the positions where the window fits ('valid').
    f = lambda z: correlate1d(correlate1d(z, g, axis=0), g, axis=1)[5:-5, 5:-5]
    mx, my = f(x), f(y)
    vx, vy, cxy = f(x * x) - mx * mx, f(y * y) - my * my, f(x * y) - mx * my
    cs = (2 * cxy + C2) / (vx + vy + C2)
    lum = (2 * mx * my + C1) / (mx * mx + my * my + C1)
    return (lum * cs).mean(), cs.mean()


def halve(z):
    h, w = z.shape[0] // 2, z.shape[1] // 2
    return z[: 2 * h, : 2 * w].reshape(h, 2, w, 2).mean(axis=(1, 3))


def msssim(a, b):
    chans = [(a, b)] if a.ndim == 2 else [(a[..., c], b[..., c]) for c in range(a.shape[2])]
    vals = []
    for x, y in chans:
        v = 1.0
        for i, wt in enumerate(WEIGHTS):
            s, cs = stats(x, y)
            if i == len(WEIGHTS) - 1:
                v *= max(s, 0.0) ** wt
            else:
                v *= max(cs, 0.0) ** wt
                x, y = halve(x), halve(y)
        vals.append(v)
    return float(np.mean(vals))


def main(args):
    for ref_path, test_path in zip(args[0::2], args[1::2]):
        a, b = load(ref_path), load(test_path)
        axis = None if a.ndim == 2 else -1
        print(json.dumps({
            "psnr": float(peak_signal_noise_ratio(a, b, data_range=1.0)),
            "psnr_y": float(peak_signal_noise_ratio(luma(a), luma(b), data_range=1.0)),
            "ssim": float(structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
                                                use_sample_covariance=False, data_range=1.0,
                                                channel_axis=axis)),
            "msssim": msssim(a, b),
        }))


if __name__ == "__main__":
    main(sys.argv[1:])
