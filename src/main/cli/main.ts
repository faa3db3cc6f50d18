// Entry of the `switchyard` command (bin/switchyard runs this on the project's Node 24).
import { createCore } from '../core/app-core.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import { consoleLogger } from '../core/logger.ts';
import { installProcessGuard } from '../core/process-guard.ts';
import { openNodeSecretStore } from '../core/secrets/open-secret-store.ts';
import { runCli } from './cli.ts';

const argv = process.argv.slice(2);
const log = consoleLogger('cli');
installProcessGuard(log);

const code = await runCli(
  argv,
  ({ dataDir }) =>
    createCore({
      dataDir: dataDir ?? defaultDataDir(),
      transport: 'direct',
      log,
      openSecrets: (db) => openNodeSecretStore(db, { passphrase: process.env.SWITCHYARD_PASSPHRASE, useKeyring: process.env.SWITCHYARD_NO_KEYRING !== '1' }, log),
    }),
  {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  },
);
process.exitCode = code;
