package sr

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trident-lab/trident/nn"
)

func TestForwardShapeOddSizes(t *testing.T) {
	for _, tc := range []struct{ scale, w, h int }{{2, 7, 5}, {3, 5, 9}, {4, 3, 1}, {2, 1, 1}} {
		n, err := New(tc.scale, ArchSmall, nn.NewRNG(1))
		if err != nil {
			t.Fatal(err)
		}
		out := n.Forward(nn.Zeros(2, 1, tc.h, tc.w))
		want := []int{2, 1, tc.h * tc.scale, tc.w * tc.scale}
		if len(out.Shape) != 4 || out.Shape[0] != want[0] || out.Shape[2] != want[2] || out.Shape[3] != want[3] || out.Shape[1] != 1 {
			t.Errorf("x%d %dx%d: Forward shape %v, want %v", tc.scale, tc.w, tc.h, out.Shape, want)
		}
		res, err := n.Residual(context.Background(), make([]float32, tc.w*tc.h), tc.w, tc.h)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != tc.w*tc.h*tc.scale*tc.scale {
			t.Errorf("x%d %dx%d: Residual has %d values", tc.scale, tc.w, tc.h, len(res))
		}
	}
}

// Residual's tiling must give what one pass over the whole image, padded by
// repeating edge pixels, gives.
// TestResidualTilingMatchesWholeImage checks Residual (tiles on nn's
// inference path) against Forward (autograd) on the whole padded image, for
// every shape and scale.
func TestResidualTilingMatchesWholeImage(t *testing.T) {
	for _, sh := range Shapes() {
		for r := 2; r <= MaxScale; r++ {
			t.Run(fmt.Sprintf("%s/x%d", sh.Arch, r), func(t *testing.T) { residualMatchesForward(t, sh.Arch, r) })
		}
	}
}

func residualMatchesForward(t *testing.T, arch string, r int) {
	const w, h = tile + 21, 13
	n, err := New(r, arch, nn.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	rng := nn.NewRNG(4)
	y := make([]float32, w*h)
	for i := range y {
		y[i] = rng.Float32()
	}
	got, err := n.Residual(context.Background(), y, w, h)
	if err != nil {
		t.Fatal(err)
	}
	m := n.Shape.Radius() + 2
	pw, ph := w+2*m, h+2*m
	in := make([]float32, pw*ph)
	for j := 0; j < ph; j++ {
		for i := 0; i < pw; i++ {
			in[j*pw+i] = y[min(max(j-m, 0), h-1)*w+min(max(i-m, 0), w-1)]
		}
	}
	full := n.Forward(nn.New(in, 1, 1, ph, pw)).Data
	for j := 0; j < h*r; j++ {
		for i := 0; i < w*r; i++ {
			want := full[(j+m*r)*pw*r+i+m*r]
			if d := got[j*w*r+i] - want; d > 1e-5 || d < -1e-5 {
				t.Fatalf("pixel (%d,%d): tiled %g, whole %g", i, j, got[j*w*r+i], want)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	for _, s := range []int{0, 1, 5, -2} {
		if _, err := New(s, ArchSmall, nn.NewRNG(1)); err == nil {
			t.Errorf("New(%d): no error", s)
		}
	}
	for s := 2; s <= MaxScale; s++ {
		if _, err := Pretrained(s); !hasScale(s) && !errors.Is(err, ErrNoWeights) {
			t.Errorf("Pretrained(%d) without shipped weights: %v, want ErrNoWeights", s, err)
		}
	}
	if _, err := Pretrained(MaxScale + 1); err == nil {
		t.Errorf("Pretrained(%d): no error", MaxScale+1)
	}
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "missing.safetensors"), 2); err == nil {
		t.Error("Load of a missing file: no error")
	}
	bad := filepath.Join(dir, "bad.safetensors")
	if err := os.WriteFile(bad, []byte("not a safetensors file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad, 2); err == nil {
		t.Error("Load of a corrupt file: no error")
	}
	n, _ := New(2, ArchSmall, nn.NewRNG(1))
	x2 := filepath.Join(dir, "x2.safetensors")
	if err := nn.SaveCheckpoint(x2, n.Params, nil, n.Meta()); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(x2, 2); err != nil {
		t.Errorf("Load of a saved x2 network: %v", err)
	}
	if _, err := Load(x2, 3); err == nil {
		t.Error("Load of x2 weights as x3: no error")
	}
	other := filepath.Join(dir, "other.safetensors")
	if err := nn.SaveCheckpoint(other, n.Params, nil, map[string]string{"arch": "espcn", "scale": "2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(other, 2); err == nil || !strings.Contains(err.Error(), "architecture") {
		t.Errorf("Load of another architecture: %v", err)
	}
	if _, err := New(2, "unet", nn.NewRNG(1)); err == nil {
		t.Error("New with an unknown architecture: no error")
	}
	// The metadata picks the shape; tensors of another shape are refused.
	large, _ := New(2, ArchLarge, nn.NewRNG(1))
	lp := filepath.Join(dir, "large.safetensors")
	if err := nn.SaveCheckpoint(lp, large.Params, nil, large.Meta()); err != nil {
		t.Fatal(err)
	}
	if got, err := Load(lp, 2); err != nil || got.Shape.Arch != ArchLarge {
		t.Errorf("Load of a large network: %v, shape %+v", err, got)
	}
	lying := filepath.Join(dir, "lying.safetensors")
	if err := nn.SaveCheckpoint(lying, large.Params, nil, n.Meta()); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(lying, 2); err == nil {
		t.Error("Load of large tensors labelled small: no error")
	}
	// LoadFile takes the scale from the metadata.
	if got, err := LoadFile(lp); err != nil || got.Scale != 2 || got.Shape.Arch != ArchLarge {
		t.Errorf("LoadFile of a large x2 network: %v, %+v", err, got)
	}
	noScale := filepath.Join(dir, "noscale.safetensors")
	if err := nn.SaveCheckpoint(noScale, n.Params, nil, map[string]string{"arch": ArchSmall, "scale": "7"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{noScale, bad, filepath.Join(dir, "missing.safetensors")} {
		if _, err := LoadFile(p); err == nil {
			t.Errorf("LoadFile(%s): no error", filepath.Base(p))
		}
	}
	if _, err := n.Residual(context.Background(), make([]float32, 5), 2, 2); err == nil {
		t.Error("Residual with a wrong plane size: no error")
	}
}

func hasScale(s int) bool {
	for _, v := range ShippedScales() {
		if v == s {
			return true
		}
	}
	return false
}

func TestShippedWeightsLoad(t *testing.T) {
	scales := ShippedScales()
	if len(scales) == 0 {
		t.Fatal("no weights shipped in sr/weights")
	}
	for _, s := range scales {
		n, err := Pretrained(s)
		if err != nil {
			t.Fatalf("x%d: %v", s, err)
		}
		for _, name := range n.Params.Names() {
			if n.Params.Get(name).HasNaN() {
				t.Errorf("x%d: %s holds NaN or Inf", s, name)
			}
		}
	}
}

// FuzzDecode feeds arbitrary bytes to the weights decoder, which must
// return an error or a network, never panic; the architecture it builds
// comes from a fixed list, so hostile metadata cannot size the allocation.
func FuzzDecode(f *testing.F) {
	net, err := New(2, ArchLarge, nn.NewRNG(1))
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(f.TempDir(), "w.safetensors")
	if err := nn.SaveCheckpoint(path, net.Params, nil, net.Meta()); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:100])
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := decode("fuzz", data, 2)
		if err == nil && n == nil {
			t.Fatal("no network and no error")
		}
	})
}

// BenchmarkResidual960x540 times each shape's ×2 network on a 960×540 luma
// plane (the budget: the whole enlargement under 1 s on two cores).
func BenchmarkResidual960x540(b *testing.B) {
	const w, h = 960, 540
	y := make([]float32, w*h)
	rng := nn.NewRNG(5)
	for i := range y {
		y[i] = rng.Float32()
	}
	for _, sh := range Shapes() {
		n, err := New(2, sh.Arch, nn.NewRNG(1))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(sh.Arch, func(b *testing.B) {
			for b.Loop() {
				if _, err := n.Residual(context.Background(), y, w, h); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
