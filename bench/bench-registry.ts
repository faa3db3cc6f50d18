// The named benchmarks `bench/run.ts` knows. Each one prints human lines through `log` and
// returns the numbers that become the last stdout line with --json. Add yours to `benchmarks`.
import type { ParseArgsConfig } from 'node:util';
import { applyBenchmark } from './apply-bench.ts';
import { connectBenchmark } from './connect-bench.ts';
import { drillBenchmark } from './drill-bench.ts';
import { dropbearBenchmark } from './dropbear-bench.ts';
import { failoverBenchmark } from './failover-bench.ts';
import { flapBenchmark } from './flap-bench.ts';
import { importBenchmark } from './import-bench.ts';
import { monitorBenchmark } from './monitor-bench.ts';
import { startupBenchmark } from './startup-bench.ts';
import { uiBenchmark } from './ui-bench.ts';

export interface BenchContext {
  /** --seconds N when given: the benchmark's main duration. */
  readonly seconds: number | undefined;
  /** The benchmark's own options, parsed from its `options`. */
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  log(line: string): void;
}

export interface Benchmark {
  readonly name: string;
  readonly summary: string;
  readonly options?: ParseArgsConfig['options'];
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}

export const benchmarks: readonly Benchmark[] = [connectBenchmark, failoverBenchmark, applyBenchmark, importBenchmark, monitorBenchmark, uiBenchmark, startupBenchmark, drillBenchmark, flapBenchmark, dropbearBenchmark];
