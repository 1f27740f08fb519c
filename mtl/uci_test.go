package mtl

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

const sharedData = "../../shared/data"

func TestLoadAdult(t *testing.T) {
	dir := sharedData + "/adult"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared Adult data not present")
	}
	sp, err := LoadAdult(dir)
	if err != nil {
		t.Fatal(err)
	}
	train, val, test := sp.Train, sp.Val, sp.Test
	if got := train.Rows + val.Rows + test.Rows; got != 48842 {
		t.Fatalf("Adult has %d rows, want 48842", got)
	}
	if test.Rows != 16281 {
		t.Fatalf("Adult test has %d rows, want 16281", test.Rows)
	}
	for _, c := range train.Categorical {
		if c.Name == "relationship" || c.Name == "marital-status" {
			t.Fatalf("column %s must not be an input", c.Name)
		}
	}
	pos := 0
	for _, v := range test.Targets[0] {
		pos += int(v)
	}
	// 3,846 of the 16,281 test rows earn over 50K.
	if pos != 3846 {
		t.Fatalf("%d positive income rows in adult.test, want 3846", pos)
	}
}

func TestReadTableErrors(t *testing.T) {
	spec := TableSpec{Name: "t", Dense: []string{"x"}, Tasks: []TaskSpec{{Name: "y", Column: "y", Kind: Binary}}}
	tests := []struct {
		name, input, want string
	}{
		{"bad number", "x,c,y\n1,a,0\nfoo,b,1\n", "input:3: column x"},
		{"bad binary", "x,c,y\n1,a,2\n", "binary target \"2\""},
		{"short row", "x,c,y\n1,a\n", "input:2: 2 fields, want 3"},
		{"missing task column", "x,c,z\n1,a,0\n", "task y column \"y\" not in the table"},
		{"empty", "x,c,y\n", "no data rows"},
		{"repeated header", "x,x,y\n1,2,0\n", "repeated column name"},
		{"beyond float32", "x,c,y\n1,a,0\n1e300,b,1\n", "input:3: column x"},
		{"nan", "x,c,y\nNaN,a,0\n", "input:2: column x"},
	}
	for _, tt := range tests {
		_, err := ReadTable(strings.NewReader(tt.input), spec)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	var many strings.Builder
	many.WriteString("x,y\n")
	for i := 0; i <= maxClasses; i++ {
		fmt.Fprintf(&many, "1,%d\n", i)
	}
	specs := []struct {
		name, input string
		spec        TableSpec
		want        string
	}{
		{"target also dense", "x,y\n1,0\n", TableSpec{Dense: []string{"x", "y"}, Tasks: []TaskSpec{{Name: "y", Column: "y", Kind: Binary}}}, `"y" is both a dense input and the target of task y`},
		{"dropped also dense", "x,y\n1,0\n", TableSpec{Dense: []string{"x"}, Drop: []string{"x"}, Tasks: []TaskSpec{{Name: "y", Column: "y", Kind: Binary}}}, `"x" is both a dense input and dropped`},
		{"regression beyond float32", "x,y\n1,-1e39\n", TableSpec{Dense: []string{"x"}, Tasks: []TaskSpec{{Name: "y", Column: "y", Kind: Regression}}}, "input:2: task y"},
		{"too many classes", many.String(), TableSpec{Dense: []string{"x"}, Tasks: []TaskSpec{{Name: "y", Column: "y", Kind: Multiclass}}}, "65537 distinct values"},
	}
	for _, tt := range specs {
		_, err := ReadTable(strings.NewReader(tt.input), tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	d, err := ReadTable(strings.NewReader("x,c,y\n1,a,0\n2,b,1\n3,a,1\n"), spec)
	if err != nil {
		t.Fatal(err)
	}
	if d.Categorical[0].Vocab != 3 || d.Cat[0][0] != d.Cat[0][2] || d.Cat[0][0] == d.Cat[0][1] {
		t.Fatalf("categorical column read as %v (vocab %d)", d.Cat[0], d.Categorical[0].Vocab)
	}
}

func FuzzReadTable(f *testing.F) {
	f.Add("x,c,y\n1,a,0\n2,b,1\n", uint8(Multiclass))
	f.Add("x,c,y\n\"1\",\"a,b\",1\n", uint8(Binary))
	f.Add("x,c,y\n1,a,-2.5\n2,b,1e30\n", uint8(Regression))
	f.Fuzz(func(t *testing.T, input string, kind uint8) {
		spec := TableSpec{Name: "fuzz", Dense: []string{"x"}, Tasks: []TaskSpec{{Name: "y", Column: "y", Kind: Kind(kind % 3)}}, MaxRows: 1000}
		d, err := ReadTable(strings.NewReader(input), spec)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("ReadTable returned an invalid dataset: %v", err)
		}
		for _, v := range append(append([]float32(nil), d.Dense...), d.Targets[0]...) {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("ReadTable returned a value %g", v)
			}
		}
	})
}
