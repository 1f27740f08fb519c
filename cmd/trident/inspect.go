package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/safetensors"
)

func newInspectCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "inspect FILE.safetensors",
		Short: "List the tensors and metadata of a safetensors file",
		Long: `inspect validates a safetensors file (Trident checkpoints, or weights from
PyTorch, JAX and other tools) and lists its tensors by name with dtype, shape
and size in bytes, then its __metadata__. Only the header is read, so large
files are inspected instantly; a malformed file is reported with the problem
and the tensor concerned.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			h, err := safetensors.ReadHeader(args[0])
			if err != nil {
				return fmt.Errorf("inspect: %w", err)
			}
			return printHeader(cmd.OutOrStdout(), args[0], h)
		},
	}
}

func printHeader(w io.Writer, path string, h *safetensors.Header) error {
	infos := slices.Clone(h.Tensors)
	slices.SortFunc(infos, func(a, b safetensors.Info) int { return strings.Compare(a.Name, b.Name) })
	var elems int64
	for _, in := range infos {
		n, _ := safetensors.NumElements(in.Shape) // validated by ReadHeader
		elems += int64(n)
	}
	fmt.Fprintf(w, "%s: %d tensors, %d elements, %d data bytes, %d-byte header\n",
		path, len(infos), elems, h.DataLen, h.Len)
	if len(infos) > 0 {
		// Columns padded by rune count, so names with accents line up.
		width := func(s string) int { return utf8.RuneCountInString(s) }
		pad := func(s string, n int) string { return s + strings.Repeat(" ", n-width(s)) }
		rows := make([][4]string, len(infos))
		ws := [4]int{len("NAME"), len("DTYPE"), len("SHAPE"), len("BYTES")}
		for i, in := range infos {
			rows[i] = [4]string{printable(in.Name), in.DType.String(), shapeString(in.Shape), strconv.FormatInt(in.End-in.Begin, 10)}
			for c := range ws {
				ws[c] = max(ws[c], width(rows[i][c]))
			}
		}
		line := func(r [4]string) {
			fmt.Fprintf(w, "%s  %s  %s  %*s\n", pad(r[0], ws[0]), pad(r[1], ws[1]), pad(r[2], ws[2]), ws[3], r[3])
		}
		line([4]string{"NAME", "DTYPE", "SHAPE", "BYTES"})
		for _, r := range rows {
			line(r)
		}
	}
	if h.Metadata != nil {
		keys := make([]string, 0, len(h.Metadata))
		for k := range h.Metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Fprintf(w, "metadata (%d entries):\n", len(keys))
		for _, k := range keys {
			fmt.Fprintf(w, "  %s = %s\n", printable(k), printable(h.Metadata[k]))
		}
	}
	return nil
}

// shapeString writes a shape as PyTorch and NumPy do: [2, 3], [] for a scalar.
func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// printable returns s unchanged when it is empty of control and invisible
// characters and of spaces at its ends, and Go-quoted otherwise, so that every
// listed name is unambiguous and on one line.
func printable(s string) string {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) {
		return strconv.Quote(s)
	}
	return s
}
