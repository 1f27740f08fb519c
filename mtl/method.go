package mtl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/trident-lab/trident/mtl/balance"
)

// MethodHelp describes the --balance values.
func MethodHelp() string {
	return strings.Join(balance.Names(), ", ") + "; fixed:W1,W2,... sets fixed weights; pmtl:K/I and epo:K/I train towards the I-th (from 0) of K preference vectors"
}

// NewMethod builds the balancing method named by spec for the given number
// of tasks: a name of package balance, "fixed:W1,W2,..." for fixed weights,
// or "pmtl:K/I" (Pareto MTL) and "epo:K/I" (exact Pareto optimal search)
// towards preference vector I of K evenly spread ones.
func NewMethod(spec string, tasks int, seed uint64) (balance.Method, error) {
	name, arg, hasArg := strings.Cut(spec, ":")
	cfg := balance.Config{Tasks: tasks, Seed: seed}
	switch {
	case name == "fixed":
		if !hasArg {
			return nil, fmt.Errorf("fixed weights need values: fixed:W1,W2,...")
		}
		for _, f := range strings.Split(arg, ",") {
			w, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return nil, fmt.Errorf("fixed weights %q: %w", arg, err)
			}
			cfg.Weights = append(cfg.Weights, w)
		}
		if len(cfg.Weights) != tasks {
			return nil, fmt.Errorf("fixed weights %q: %d weights for %d tasks", arg, len(cfg.Weights), tasks)
		}
	case name == "pmtl" || name == "epo":
		k, i := 5, 0
		if hasArg {
			ks, is, ok := strings.Cut(arg, "/")
			var err1, err2 error
			k, err1 = strconv.Atoi(ks)
			i, err2 = strconv.Atoi(is)
			if !ok || err1 != nil || err2 != nil {
				return nil, fmt.Errorf("%s %q: want %s:K/I, the I-th of K preference vectors", name, arg, name)
			}
		}
		prefs, err := balance.Preferences(tasks, k)
		if err != nil {
			return nil, err
		}
		if i < 0 || i >= len(prefs) {
			return nil, fmt.Errorf("%s: preference %d out of range for %d vectors", name, i, len(prefs))
		}
		cfg.Preferences, cfg.Preference = prefs, i
	case hasArg:
		return nil, fmt.Errorf("balancing method %q takes no settings", name)
	}
	return balance.New(name, cfg)
}

// EqualWeights returns the equal-weighting method for a number of tasks.
func EqualWeights(tasks int) balance.Method {
	m, err := balance.New("ew", balance.Config{Tasks: max(tasks, 1)})
	if err != nil {
		panic(err) // "ew" with at least one task always builds
	}
	return m
}
