/*
 * openblas_sgemm times OpenBLAS cblas_sgemm on n×n row-major float32
 * matrices (C = A·B, beta 0) and prints one line per size:
 *     openblas <n> <GFLOP/s over the run> <GFLOP/s of the fastest call>
 * Usage: openblas_sgemm THREADS SECONDS N...
 * Part of scripts/bench-gemm-peers.sh; see docs/BENCHMARKS.md.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void openblas_set_num_threads(int);

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: %s THREADS SECONDS N...\n", argv[0]);
		return 2;
	}
	openblas_set_num_threads(atoi(argv[1]));
	double budget = atof(argv[2]);
	for (int i = 3; i < argc; i++) {
		int n = atoi(argv[i]);
		float *a = malloc(sizeof(float) * n * n);
		float *b = malloc(sizeof(float) * n * n);
		float *c = malloc(sizeof(float) * n * n);
		if (!a || !b || !c) {
			fprintf(stderr, "out of memory at n = %d\n", n);
			return 1;
		}
		srand(n);
		for (long j = 0; j < (long)n * n; j++) {
			a[j] = 2.0f * rand() / RAND_MAX - 1.0f;
			b[j] = 2.0f * rand() / RAND_MAX - 1.0f;
		}
		/* Warm-up: thread start-up and first-touch page faults. */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
		long reps = 0;
		double t0 = now(), t, fastest = 1e30;
		do {
			double c0 = now();
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
			double d = now() - c0;
			if (d < fastest)
				fastest = d;
			reps++;
			t = now() - t0;
		} while (t < budget);
		double flops = 2.0 * n * n * (double)n;
		printf("openblas %d %.2f %.2f\n", n, flops * reps / t / 1e9, flops / fastest / 1e9);
		fflush(stdout);
		free(a);
		free(b);
		free(c);
	}
	return 0;
}
