import v8 from 'node:v8';

/**
 * How far V8 lets the heap grow past what survived its last full collection. V8 picks up to 4× on its own, so a
 * long read (a feed of 100,000 vacancies) grew the server by 150 MB it kept; at 1.5× it grows by tens of MB, with
 * no measurable cost in time (BENCHMARKS.md). Imported first by the server's and the worker's entry points; a
 * `--heap-growing-percent` given to node itself wins.
 */
if (!process.execArgv.some((flag) => flag.startsWith('--heap-growing-percent')))
  v8.setFlagsFromString('--heap-growing-percent=50');
