// `npm run serve`: starts the core and the built renderer on loopback and prints the URL
// (with its token) to open in a browser.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createCore, type Core } from '../core/app-core.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import { consoleLogger } from '../core/logger.ts';
import { installProcessGuard } from '../core/process-guard.ts';
import { openNodeSecretStore } from '../core/secrets/open-secret-store.ts';
import { isLoopback, startServeServer } from './serve-server.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('Usage: npm run serve -- [--port N] [--host ADDRESS] [--data-dir DIR]\nServes Switchyard on http://127.0.0.1:PORT with a random token.');
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535 (0 picks a free port); got "${values.port}".`);
  process.exit(2);
}
if (!isLoopback(values.host)) {
  console.error(`Warning: serving on ${values.host}, not loopback. Anyone who can reach this address and has the token controls your routers.`);
}

const log = consoleLogger('serve');
installProcessGuard(log);
let core: Core;
try {
  core = await createCore({
    dataDir: values['data-dir'] ?? defaultDataDir(),
    transport: 'websocket',
    log,
    openSecrets: (db) => openNodeSecretStore(db, { passphrase: process.env.SWITCHYARD_PASSPHRASE, useKeyring: process.env.SWITCHYARD_NO_KEYRING !== '1' }, log),
  });
} catch (error) {
  // A data folder that cannot be made, a too short passphrase…: the reason in one line.
  console.error(`Switchyard cannot start: ${(error as Error).message}`);
  process.exit(1);
}
const server = await startServeServer({ core, rendererDir: resolve(import.meta.dirname, '../../../out/renderer'), host: values.host, port });
console.log(`Switchyard is running. Open:\n  ${server.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server
      .close()
      .then(() => core.close())
      .then(() => process.exit(0));
  });
}
