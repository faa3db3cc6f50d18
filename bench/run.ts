// Runs one named benchmark: `npm run bench -- NAME [--json] [--seconds N] [its options]`.
// Human lines first; with --json the last stdout line is one JSON object with the numbers.
import { parseArgs } from 'node:util';
import { benchmarks } from './bench-registry.ts';

const argv = process.argv.slice(2);
const name = argv.find((a) => !a.startsWith('-'));
const bench = benchmarks.find((b) => b.name === name);
if (!bench || argv.includes('--help')) {
  const list = benchmarks.map((b) => `  ${b.name.padEnd(10)} ${b.summary}`).join('\n');
  process.stderr.write(`Usage: npm run bench -- NAME [--json] [--seconds N] [options]\n\nBenchmarks:\n${list}\n`);
  process.exit(bench || argv.includes('--help') ? 0 : 2);
}

let parsed;
try {
  parsed = parseArgs({
    args: argv.filter((a) => a !== name),
    allowPositionals: false,
    strict: true,
    options: { json: { type: 'boolean' }, seconds: { type: 'string' }, ...bench.options },
  });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const seconds = parsed.values.seconds === undefined ? undefined : Number(parsed.values.seconds);
if (seconds !== undefined && !(seconds > 0)) {
  process.stderr.write('--seconds must be a positive number\n');
  process.exit(2);
}

const result = await bench.run({
  seconds,
  options: parsed.values as Record<string, string | boolean | undefined>,
  log: (line) => process.stdout.write(`${line}\n`),
});
if (parsed.values.json) process.stdout.write(`${JSON.stringify({ bench: bench.name, ...result })}\n`);
