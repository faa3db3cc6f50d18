// Entry of the `switchyard` command (bin/switchyard runs this on the project's Node 24).
import { createCore } from '../core/app-core.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import { consoleLogger } from '../core/logger.ts';
import { runCli } from './cli.ts';

const argv = process.argv.slice(2);
const dataDirIndex = argv.indexOf('--data-dir');
const dataDir = dataDirIndex >= 0 ? argv[dataDirIndex + 1] : undefined;

const code = await runCli(argv, () => createCore({ dataDir: dataDir ?? defaultDataDir(), transport: 'direct', secretStorage: 'memory', log: consoleLogger('cli') }), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
