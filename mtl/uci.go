package mtl

import (
	"fmt"
	"os"
	"path/filepath"
)

// censusColumns are the 42 columns of UCI Census-Income (KDD), in file
// order, as census-income.names lists them, then the income label.
var censusColumns = []string{
	"age", "class of worker", "detailed industry recode", "detailed occupation recode", "education",
	"wage per hour", "enroll in edu inst last wk", "marital stat", "major industry code",
	"major occupation code", "race", "hispanic origin", "sex", "member of a labor union",
	"reason for unemployment", "full or part time employment stat", "capital gains", "capital losses",
	"dividends from stocks", "tax filer stat", "region of previous residence",
	"state of previous residence", "detailed household and family stat",
	"detailed household summary in household", "instance weight", "migration code-change in msa",
	"migration code-change in reg", "migration code-move within reg", "live in this house 1 year ago",
	"migration prev res in sunbelt", "num persons worked for employer", "family members under 18",
	"country of birth father", "country of birth mother", "country of birth self", "citizenship",
	"own business or self employed", "fill inc questionnaire for veteran's admin", "veterans benefits",
	"weeks worked in year", "year", "income",
}

var censusDense = []string{
	"age", "wage per hour", "capital gains", "capital losses", "dividends from stocks",
	"num persons worked for employer", "weeks worked in year",
}

// collegeOrMore lists the education values of at least college level, the
// positive class of the MMoE paper's "education" task.
var collegeOrMore = map[string]bool{
	"Some college but no degree":             true,
	"Associates degree-occup /vocational":    true,
	"Associates degree-academic program":     true,
	"Bachelors degree(BA AB BS)":             true,
	"Masters degree(MA MS MEng MEd MSW MBA)": true,
	"Prof school degree (MD DDS DVM LLB JD)": true,
	"Doctorate degree(PhD EdD)":              true,
}

// CensusSpec returns the table spec of UCI Census-Income (KDD) for the task
// groups of the MMoE paper (Ma et al. 2018): group 1 predicts income over
// 50K and marital status "Never married"; group 2 predicts education of at
// least college and marital status. The target columns are removed from the
// inputs, and so is the instance weight, which is a sampling weight and not
// a feature.
func CensusSpec(group int) (TableSpec, error) {
	spec := TableSpec{Name: fmt.Sprintf("census-income (group %d)", group), Columns: censusColumns, Dense: censusDense, MaxRows: 1 << 21}
	never := func(v string) bool { return v == "Never married" }
	switch group {
	case 1:
		spec.Tasks = []TaskSpec{
			{Name: "income", Column: "income", Kind: Binary, Positive: func(v string) bool { return v == "50000+" }},
			{Name: "marital", Column: "marital stat", Kind: Binary, Positive: never},
		}
		spec.Drop = []string{"instance weight"}
	case 2:
		spec.Drop = []string{"instance weight", "income"}
		spec.Tasks = []TaskSpec{
			{Name: "education", Column: "education", Kind: Binary, Positive: func(v string) bool { return collegeOrMore[v] }},
			{Name: "marital", Column: "marital stat", Kind: Binary, Positive: never},
		}
	default:
		return TableSpec{}, fmt.Errorf("census-income has task groups 1 and 2, not %d", group)
	}
	return spec, nil
}

// LoadCensus reads Census-Income from dir and returns train, validation and
// test sets, standardized on the training set. When dir holds the full
// training file (census-income.data or .data.gz) it is the training set
// and the public test file is halved into validation and test, as in the
// MMoE paper. Otherwise the test file alone (99,762 rows) is shuffled with
// a fixed seed and split 60/20/20 into train, validation and test.
func LoadCensus(dir string, group int) (*Splits, error) {
	var train, val, test *Dataset
	spec, err := CensusSpec(group)
	if err != nil {
		return nil, err
	}
	testPath := firstExisting(dir, "census-income.test", "census-income.test.gz")
	if testPath == "" {
		return nil, fmt.Errorf("census-income: no census-income.test or census-income.test.gz in %s", dir)
	}
	trainPath := firstExisting(dir, "census-income.data", "census-income.data.gz")
	if trainPath == "" {
		all, err := LoadTable(testPath, spec)
		if err != nil {
			return nil, err
		}
		parts, err := all.Split(20180819, 0.6, 0.2, 0.2)
		if err != nil {
			return nil, err
		}
		train, val, test = parts[0], parts[1], parts[2]
	} else {
		var rest *Dataset
		if train, rest, err = loadTrainTest(spec, trainPath, testPath); err != nil {
			return nil, err
		}
		halves, err := rest.Split(20180819, 0.5, 0.5)
		if err != nil {
			return nil, err
		}
		val, test = halves[0], halves[1]
	}
	scaler := Standardize(train, val, test)
	return &Splits{Train: train, Val: val, Test: test, Scaler: scaler}, nil
}

// loadTrainTest reads a training and a test file of one table together, so
// that categorical ids agree, and returns them as two datasets.
func loadTrainTest(spec TableSpec, trainPath, testPath string) (train, test *Dataset, err error) {
	both, counts, err := loadFiles(spec, trainPath, testPath)
	if err != nil {
		return nil, nil, err
	}
	return both.Slice(0, counts[0]), both.Slice(counts[0], both.Rows), nil
}

func firstExisting(dir string, names ...string) string {
	for _, n := range names {
		p := filepath.Join(dir, n)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// adultColumns are the 15 columns of UCI Adult.
var adultColumns = []string{
	"age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
	"relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
}

// AdultSpec returns the table spec of UCI Adult with two tasks, income over
// 50K and marital status "Never-married". The relationship column (husband,
// wife, ...) gives marital status away and is dropped; fnlwgt is a census
// sampling weight and is dropped too.
func AdultSpec() TableSpec {
	return TableSpec{
		Name:    "adult",
		Columns: adultColumns,
		Dense:   []string{"age", "education-num", "capital-gain", "capital-loss", "hours-per-week"},
		Drop:    []string{"relationship", "fnlwgt"},
		MaxRows: 1 << 20,
		Tasks: []TaskSpec{
			{Name: "income", Column: "income", Kind: Binary, Positive: func(v string) bool { return v == ">50K" }},
			{Name: "marital", Column: "marital-status", Kind: Binary, Positive: func(v string) bool { return v == "Never-married" }},
		},
	}
}

// LoadAdult reads adult.data (training) and adult.test from dir; the
// training file is split 85/15 into train and validation with a fixed seed,
// adult.test is the test set. Dense columns are standardized on train.
func LoadAdult(dir string) (*Splits, error) {
	var train, val, test *Dataset
	spec := AdultSpec()
	trainPath := firstExisting(dir, "adult.data", "adult.data.gz")
	testPath := firstExisting(dir, "adult.test", "adult.test.gz")
	if trainPath == "" || testPath == "" {
		return nil, fmt.Errorf("adult: need adult.data and adult.test in %s", dir)
	}
	trainAll, test, err := loadTrainTest(spec, trainPath, testPath)
	if err != nil {
		return nil, err
	}
	parts, err := trainAll.Split(19960501, 0.85, 0.15)
	if err != nil {
		return nil, err
	}
	train, val = parts[0], parts[1]
	scaler := Standardize(train, val, test)
	return &Splits{Train: train, Val: val, Test: test, Scaler: scaler}, nil
}
