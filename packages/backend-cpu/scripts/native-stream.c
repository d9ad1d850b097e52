// Benchmark aid (not a test): how fast this machine streams SGD's update (p -= lr * g, in place over 8M float32
// values, 96 MB moved) natively, with 128-, 256- and 512-bit vectors, on one thread or several (each thread its fixed
// half, as an OpenMP static schedule splits it), to tell whether WebAssembly's 128-bit SIMD bounds backend-cpu's
// memory-bound updates. Compare with `node scripts/unroll-ab.mjs` (the generated kernels).
//   gcc -O2 -fopenmp -o /tmp/native-stream scripts/native-stream.c && /tmp/native-stream [threads=1]
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

__attribute__((target("sse2"))) static void sgd128(float *p, const float *g, float lr, long n) {
  __m128 l = _mm_set1_ps(lr);
  for (long i = 0; i < n; i += 4) _mm_storeu_ps(p + i, _mm_sub_ps(_mm_loadu_ps(p + i), _mm_mul_ps(_mm_loadu_ps(g + i), l)));
}

__attribute__((target("sse2"))) static void sgd128x4(float *p, const float *g, float lr, long n) {
  __m128 l = _mm_set1_ps(lr);
  for (long i = 0; i < n; i += 16)
    for (int k = 0; k < 16; k += 4)
      _mm_storeu_ps(p + i + k, _mm_sub_ps(_mm_loadu_ps(p + i + k), _mm_mul_ps(_mm_loadu_ps(g + i + k), l)));
}

__attribute__((target("avx2"))) static void sgd256(float *p, const float *g, float lr, long n) {
  __m256 l = _mm256_set1_ps(lr);
  for (long i = 0; i < n; i += 8)
    _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_mul_ps(_mm256_loadu_ps(g + i), l)));
}

__attribute__((target("avx512f"))) static void sgd512(float *p, const float *g, float lr, long n) {
  __m512 l = _mm512_set1_ps(lr);
  for (long i = 0; i < n; i += 16)
    _mm512_storeu_ps(p + i, _mm512_sub_ps(_mm512_loadu_ps(p + i), _mm512_mul_ps(_mm512_loadu_ps(g + i), l)));
}

int main(int argc, char **argv) {
  const long n = 8000000;
  const int threads = argc > 1 ? atoi(argv[1]) : 1;
  float *p = aligned_alloc(64, n * 4), *g = aligned_alloc(64, n * 4);
  for (long i = 0; i < n; i++) p[i] = i * 1e-7f, g[i] = 1e-3f;
  void (*kernels[])(float *, const float *, float, long) = {sgd128, sgd128x4, sgd256, sgd512};
  const char *names[] = {"128-bit", "128-bit x4", "256-bit", "512-bit"};
  const int have512 = __builtin_cpu_supports("avx512f"), have256 = __builtin_cpu_supports("avx2");
  for (int round = 0; round < 3; round++)
    for (int k = 0; k < 4; k++) {
      if ((k == 3 && !have512) || (k == 2 && !have256)) continue;
      double times[31];
      for (int it = 0; it < 31; it++) {
        double t = now_ms();
#pragma omp parallel num_threads(threads)
        {
          // Equal parts at multiples of 16 floats, each thread always the same one.
          const long per = (n / threads + 15) / 16 * 16, i0 = per * omp_get_thread_num();
          if (i0 < n) kernels[k](p + i0, g + i0, 1e-3f, (i0 + per < n ? per : n - i0));
        }
        times[it] = now_ms() - t;
      }
      for (int a = 1; a < 31; a++)  // insertion sort for the median
        for (int b = a; b > 0 && times[b] < times[b - 1]; b--) {
          double x = times[b];
          times[b] = times[b - 1];
          times[b - 1] = x;
        }
      printf("round %d, %d thread(s), %-11s median %.3f ms  %.1f GB/s\n", round, threads, names[k], times[15],
             n * 12 / times[15] / 1e6);
    }
  free(p);
  free(g);
  return 0;
}
