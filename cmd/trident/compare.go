package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
)

// compareResult is the --json output of "trident compare". PSNR and PSNR-Y
// are null when the images are identical (infinite PSNR); MS-SSIM is null
// when the images are smaller than 176 pixels on a side.
type compareResult struct {
	Reference string   `json:"reference"`
	Test      string   `json:"test"`
	Width     int      `json:"width"`
	Height    int      `json:"height"`
	PSNR      *float64 `json:"psnr_db"`
	PSNRY     *float64 `json:"psnr_y_db"`
	SSIM      float64  `json:"ssim"`
	MSSSIM    *float64 `json:"ms_ssim"`
	FLIP      float64  `json:"flip"`
}

func newCompareCmd() *cobra.Command {
	var asJSON bool
	var maxPixels int
	cmd := &cobra.Command{
		Use:   "compare REFERENCE TEST",
		Short: "Print PSNR, PSNR-Y, SSIM, MS-SSIM and ꟻLIP of a test image against a reference",
		Long: `compare measures how far TEST is from REFERENCE (PNG, JPEG or PFM, same size):

  PSNR     dB over sRGB-encoded R', G', B' clamped to [0,1] (peak 1)
  PSNR-Y   dB over full-range BT.601 luma Y' = 0.299R' + 0.587G' + 0.114B'
           (papers using MATLAB's studio-range rgb2ycbcr report 1.32 dB more)
  SSIM     Wang et al., 11x11 Gaussian window (sigma 1.5), per channel, averaged
  MS-SSIM  five scales, weights 0.0448 0.2856 0.3001 0.2363 0.1333
  FLIP     NVIDIA's LDR-FLIP, mean error at 67 pixels per degree (0 = identical)

PSNR and SSIM match scikit-image on 8-bit images. Alpha is ignored; a grey
image compared with a colour one counts as R = G = B. With --json, PSNR is
null for identical images and MS-SSIM null below 176 pixels on a side.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			refPath, testPath := args[0], args[1]
			if maxPixels <= 0 {
				return fmt.Errorf("compare: --max-pixels must be positive, got %d", maxPixels)
			}
			ref, err := raster.Load(refPath, maxPixels)
			if err != nil {
				return fmt.Errorf("compare: %w", err)
			}
			test, err := raster.Load(testPath, maxPixels)
			if err != nil {
				return fmt.Errorf("compare: %w", err)
			}
			s, err := quality.All(ref, test)
			if err != nil {
				return fmt.Errorf("compare %s with %s: %w", refPath, testPath, err)
			}
			res := compareResult{
				Reference: refPath, Test: testPath, Width: ref.Width, Height: ref.Height,
				PSNR: finite(s.PSNR), PSNRY: finite(s.PSNRY), SSIM: s.SSIM, MSSSIM: finite(s.MSSSIM), FLIP: s.FLIP,
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			return printCompare(cmd.OutOrStdout(), res)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the scores as one JSON object")
	cmd.Flags().IntVar(&maxPixels, "max-pixels", raster.DefaultMaxPixels, "refuse images with more pixels than this (checked before decoding)")
	return cmd
}

// finite returns nil for NaN and infinities, which JSON cannot hold.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func printCompare(w io.Writer, r compareResult) error {
	db := func(v *float64) string {
		if v == nil {
			return "inf (identical)"
		}
		return fmt.Sprintf("%.4f dB", *v)
	}
	ms := "n/a (needs 176 px on each side)"
	if r.MSSSIM != nil {
		ms = fmt.Sprintf("%.6f", *r.MSSSIM)
	}
	_, err := fmt.Fprintf(w, "reference %s\ntest      %s\nsize      %dx%d\nPSNR      %s\nPSNR-Y    %s\nSSIM      %.6f\nMS-SSIM   %s\nFLIP      %.6f\n",
		r.Reference, r.Test, r.Width, r.Height, db(r.PSNR), db(r.PSNRY), r.SSIM, ms, r.FLIP)
	return err
}
