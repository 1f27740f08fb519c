package quality

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/trident-lab/trident/raster"
)

const imagesDir = "../../shared/data/images"

// distortion changes the samples of an 8-bit image in place: pix holds the
// samples, stride the bytes per row, step the bytes per pixel and n the
// colour samples per pixel (alpha, if any, follows them and is left alone).
type distortion func(pix []uint8, w, h, stride, step, n int)

// addNoise adds uniform integer noise in [-12, 12] from a fixed seed.
func addNoise(pix []uint8, w, h, stride, step, n int) {
	rng := rand.New(rand.NewPCG(6, 2026))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for c := 0; c < n; c++ {
				i := y*stride + x*step + c
				pix[i] = uint8(min(max(int(pix[i])+rng.IntN(25)-12, 0), 255))
			}
		}
	}
}

// boxBlur replaces each sample by the rounded mean of its 3×3
// neighbourhood, repeating edge pixels.
func boxBlur(pix []uint8, w, h, stride, step, n int) {
	src := append([]uint8(nil), pix...)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for c := 0; c < n; c++ {
				sum := 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						yy, xx := min(max(y+dy, 0), h-1), min(max(x+dx, 0), w-1)
						sum += int(src[yy*stride+xx*step+c])
					}
				}
				pix[y*stride+x*step+c] = uint8((sum + 4) / 9)
			}
		}
	}
}

// posterize keeps the top four bits of every sample, centred in its bin.
func posterize(pix []uint8, w, h, stride, step, n int) {
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for c := 0; c < n; c++ {
				i := y*stride + x*step + c
				pix[i] = pix[i]&^15 | 8
			}
		}
	}
}

type crossCase struct {
	file    string
	crop    image.Rectangle
	distort string
	// Expected values from scikit-image 0.19.3 (Debian bookworm
	// python3-skimage) and testdata/crosscheck.py; see docs/BENCHMARKS.md.
	psnr, psnrY, ssim, msssim float64
}

var distortions = map[string]distortion{"noise": addNoise, "blur": boxBlur, "posterize": posterize}

var crossCases = []crossCase{
	{"astronaut.png", image.Rect(160, 64, 352, 256), "noise", 31.249331484, 34.663475994, 0.745163805, 0.966598515},
	{"astronaut.png", image.Rect(160, 64, 352, 256), "blur", 30.293975763, 30.570584707, 0.925134053, 0.991587292},
	{"coffee.png", image.Rect(200, 100, 392, 292), "posterize", 34.936153134, 38.416499266, 0.885657558, 0.984378290},
	{"chelsea.png", image.Rect(100, 50, 296, 230), "blur", 30.566396889, 30.616166019, 0.800096659, 0.975316874},
	{"camera.png", image.Rect(128, 96, 320, 288), "noise", 31.090132969, 31.090132969, 0.764785645, 0.969673150},
	{"brick.png", image.Rect(0, 0, 180, 200), "posterize", 33.199035654, 33.199035654, 0.935877590, 0.984265324},
}

// crossPair loads the crop of a shared image as 8 bits and its distorted
// copy.
func crossPair(t *testing.T, tc crossCase) (ref, test image.Image) {
	t.Helper()
	m, err := raster.Load(filepath.Join(imagesDir, tc.file), 0)
	if err != nil {
		t.Skipf("shared images not available: %v", err)
	}
	if m, err = m.Crop(tc.crop); err != nil {
		t.Fatal(err)
	}
	a, err := m.ToImage(8)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.ToImage(8)
	switch img := b.(type) {
	case *image.Gray:
		distortions[tc.distort](img.Pix, m.Width, m.Height, img.Stride, 1, 1)
	case *image.NRGBA:
		distortions[tc.distort](img.Pix, m.Width, m.Height, img.Stride, 4, 3)
	default:
		t.Fatalf("unexpected image type %T", b)
	}
	return a, b
}

type measured struct {
	PSNR   float64 `json:"psnr"`
	PSNRY  float64 `json:"psnr_y"`
	SSIM   float64 `json:"ssim"`
	MSSSIM float64 `json:"msssim"`
}

func measure(t *testing.T, a, b image.Image) measured {
	t.Helper()
	s, err := All(raster.FromImage(a), raster.FromImage(b))
	if err != nil {
		t.Fatal(err)
	}
	return measured{s.PSNR, s.PSNRY, s.SSIM, s.MSSSIM}
}

const (
	psnrTol = 1e-5 // dB
	ssimTol = 1e-7
)

func closeTo(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestMetricsMatchFixedValues guards the metrics without any outside tool:
// the expected values were produced by scikit-image on the same pairs.
func TestMetricsMatchFixedValues(t *testing.T) {
	for _, tc := range crossCases {
		a, b := crossPair(t, tc)
		got := measure(t, a, b)
		name := fmt.Sprintf("%s %v %s", tc.file, tc.crop, tc.distort)
		if !closeTo(got.PSNR, tc.psnr, psnrTol) || !closeTo(got.PSNRY, tc.psnrY, psnrTol) ||
			!closeTo(got.SSIM, tc.ssim, ssimTol) || !closeTo(got.MSSSIM, tc.msssim, ssimTol) {
			t.Errorf("%s: got %+v, want psnr %.6f psnr_y %.6f ssim %.8f msssim %.8f",
				name, got, tc.psnr, tc.psnrY, tc.ssim, tc.msssim)
		}
	}
}

// TestMetricsMatchSkimage recomputes the reference values live with
// Debian's python3-skimage when it is installed.
func TestMetricsMatchSkimage(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import skimage, scipy").Run(); err != nil {
		t.Skip("python3-skimage not installed")
	}
	dir := t.TempDir()
	var args []string
	var want []measured
	for i, tc := range crossCases {
		a, b := crossPair(t, tc)
		for j, img := range []image.Image{a, b} {
			path := filepath.Join(dir, fmt.Sprintf("%d-%d.png", i, j))
			writePNG(t, path, img)
			args = append(args, path)
		}
		want = append(want, measure(t, a, b))
	}
	out, err := exec.Command(python, append([]string{"testdata/crosscheck.py"}, args...)...).Output()
	if err != nil {
		t.Fatalf("crosscheck.py: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for i := 0; sc.Scan(); i++ {
		var ref measured
		if err := json.Unmarshal(sc.Bytes(), &ref); err != nil {
			t.Fatalf("crosscheck.py output %q: %v", sc.Text(), err)
		}
		got := want[i]
		tc := crossCases[i]
		t.Logf("%s %v %s: skimage %+v; Trident differs by psnr %.2g dB, psnr_y %.2g dB, ssim %.2g, msssim %.2g",
			tc.file, tc.crop, tc.distort, ref, got.PSNR-ref.PSNR, got.PSNRY-ref.PSNRY, got.SSIM-ref.SSIM, got.MSSSIM-ref.MSSSIM)
		if !closeTo(got.PSNR, ref.PSNR, psnrTol) || !closeTo(got.PSNRY, ref.PSNRY, psnrTol) ||
			!closeTo(got.SSIM, ref.SSIM, ssimTol) || !closeTo(got.MSSSIM, ref.MSSSIM, ssimTol) {
			t.Errorf("%s %s: Trident %+v, skimage %+v", tc.file, tc.distort, got, ref)
		}
	}
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
