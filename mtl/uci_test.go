package mtl

import (
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
	}
	for _, tt := range tests {
		_, err := ReadTable(strings.NewReader(tt.input), spec)
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
	f.Add("x,c,y\n1,a,0\n2,b,1\n")
	f.Add("x,c,y\n\"1\",\"a,b\",1\n")
	spec := TableSpec{Name: "fuzz", Dense: []string{"x"}, Tasks: []TaskSpec{{Name: "y", Column: "y", Kind: Multiclass}}, MaxRows: 1000}
	f.Fuzz(func(t *testing.T, input string) {
		d, err := ReadTable(strings.NewReader(input), spec)
		if err == nil {
			if err := d.Validate(); err != nil {
				t.Fatalf("ReadTable returned an invalid dataset: %v", err)
			}
		}
	})
}
