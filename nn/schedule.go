package nn

import "math"

// Schedule gives the learning rate for a step (counted from 0).
type Schedule func(step int) float64

// Constant keeps the learning rate at lr.
func Constant(lr float64) Schedule { return func(int) float64 { return lr } }

// StepDecay multiplies lr by gamma every stepSize steps (PyTorch's StepLR).
func StepDecay(lr float64, stepSize int, gamma float64) Schedule {
	return func(step int) float64 {
		if stepSize <= 0 {
			return lr
		}
		return lr * math.Pow(gamma, float64(step/stepSize))
	}
}

// Cosine anneals from lr to minLR over total steps along half a cosine
// (Loshchilov and Hutter's SGDR without restarts) and stays at minLR after.
func Cosine(lr, minLR float64, total int) Schedule {
	return func(step int) float64 {
		if total <= 0 || step >= total {
			return minLR
		}
		return minLR + (lr-minLR)*(1+math.Cos(math.Pi*float64(step)/float64(total)))/2
	}
}

// Warmup ramps the rate linearly from near zero to next(0) over the first
// steps, then follows next shifted by the warm-up length.
func Warmup(steps int, next Schedule) Schedule {
	return func(step int) float64 {
		if step < steps {
			return next(0) * float64(step+1) / float64(steps)
		}
		return next(step - steps)
	}
}
