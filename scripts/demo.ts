// `npm run demo`: the app's main job on the embedded lab. Brings up one router with four
// uplinks, registers it as a site (host key pinned from the lab's own record), and starts the
// app: the Electron window when its binary is available, otherwise serve mode with the URL
// printed. Ctrl-C stops the app and tears the lab down.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCore, type Core } from '../src/main/core/app-core.ts';
import { consoleLogger } from '../src/main/core/logger.ts';
import { startServeServer } from '../src/main/server/serve-server.ts';
import { labDown, labSkipReason, labUp, type LabInfo } from '../test/lab/lab.ts';

const labName = 'demo';
const root = resolve(import.meta.dirname, '..');

const reason = labSkipReason();
if (reason) {
  console.error(`npm run demo needs the lab: ${reason}`);
  process.exit(1);
}

console.log('Starting the lab: one router with four uplinks (Ethernet, repeater, tethering, cellular)…');
await labDown(labName);
const lab = await labUp({ name: labName, routers: 1, wans: 4 });
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-demo-'));
const log = consoleLogger('demo');

let stopApp: () => Promise<void> = async () => {};
let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('\nStopping the app and tearing the lab down…');
    await stopApp().catch(() => {});
    await labDown(labName).catch((error: unknown) => console.error(`lab down: ${String(error)}`));
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));

try {
  const core = await createCore({ dataDir, transport: 'websocket', log });
  await registerLab(core, lab);
  const electronBinary = join(root, 'node_modules/electron/dist/electron');
  if (existsSync(electronBinary)) {
    await core.close();
    const app = spawn(electronBinary, [join(root, 'out/main/index.js')], { stdio: 'inherit', env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir } });
    stopApp = async () => void app.kill('SIGTERM');
    app.on('exit', (code) => void stop(code ?? 0));
  } else {
    const server = await startServeServer({ core, rendererDir: join(root, 'out/renderer') });
    stopApp = async () => {
      await server.close();
      await core.close();
    };
    console.log(`\nSwitchyard is running on the lab (Electron's binary is not available here, so in serve mode).\nOpen:\n  ${server.url}\n\nPress Ctrl-C to stop and remove the lab.`);
  }
} catch (error) {
  console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}

async function registerLab(core: Core, info: LabInfo): Promise<void> {
  const call = async (method: Parameters<Core['dispatcher']['dispatch']>[0], params: unknown) => {
    const envelope = await core.dispatcher.dispatch(method, params);
    if (!envelope.ok) throw new Error(`${String(method)}: ${envelope.error.message}`);
    return envelope.result as { id: string };
  };
  const site = await call('sites.create', { name: 'Demo shop', notes: 'The lab router: eth1 Ethernet, wlan0 repeater, usb0 tethering, wwan0 cellular.' });
  for (const router of info.routers) {
    const created = await call('routers.create', {
      siteId: site.id,
      name: `Shop router (${router.name})`,
      host: router.ssh.host,
      port: router.ssh.port,
      username: router.ssh.rootUser,
      auth: { kind: 'key', keyPath: router.ssh.rootKeyPath },
      snmp: { version: '3', port: router.snmp.port, user: router.snmp.v3.user, authProtocol: router.snmp.v3.authProtocol, authKey: router.snmp.v3.authKey, privProtocol: router.snmp.v3.privProtocol, privKey: router.snmp.v3.privKey },
    });
    // The lab wrote the host key it generated: as good as reading it off the router's console.
    core.routers.pinHostKey(created.id, router.ssh.hostKeyType, router.ssh.hostKeyFingerprint);
  }
}
