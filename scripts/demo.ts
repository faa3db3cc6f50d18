// `npm run demo`: the app's main job on the embedded lab. Brings up one router with four
// uplinks, registers it as a site (host key pinned from the lab's own record), and starts the
// app: the Electron window when its binary is available, otherwise serve mode with the URL
// printed. Ctrl-C stops the app and leaves the lab up: the next demo finds it up and unchanged
// (scripts/demo-lab.ts) and reuses it with the app's data, ready in seconds instead of the 10–20 s
// of building it (`--fresh` rebuilds; `npm run lab -- down --name demo` removes it). The build
// runs only when the sources changed since the last one (scripts/cached-build.ts), alongside the
// lab coming up; serve mode starts before the lab is up (the router appears in it when
// registered), and each step says what it is doing and how long it took.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, type Core } from '../src/main/core/app-core.ts';
import { consoleLogger } from '../src/main/core/logger.ts';
import { startServeServer } from '../src/main/server/serve-server.ts';
import { labDown, labSkipReason, labUp, type LabInfo } from '../test/lab/lab.ts';
import { labCommand, PROBE_TARGETS } from '../test/lab/lab-plan.ts';
import { ensureBuilt } from './cached-build.ts';
import { checkDemoLab } from './demo-lab.ts';

const labName = 'demo';
const root = resolve(import.meta.dirname, '..');

const { values: flags } = parseArgs({ options: { fresh: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
if (flags.help) {
  console.log('Usage: npm run demo [-- --fresh]\nRuns the app on a lab router; reuses the lab the last demo left up when it is unchanged (--fresh rebuilds it).');
  process.exit(0);
}
const reason = labSkipReason();
if (reason) {
  console.error(`npm run demo needs the lab: ${reason}`);
  process.exit(1);
}

// From the process's start, not this line: loading the modules is part of what the user waits for.
const startedMs = Date.now() - process.uptime() * 1000;
const seconds = () => `${((Date.now() - startedMs) / 1000).toFixed(1)} s`;
const electronBinary = join(root, 'node_modules/electron/dist/electron');
const useElectron = existsSync(electronBinary);
// The app starts on fresh data each time (its secrets, the SNMP keys, are kept in memory only);
// registering the lab router again takes milliseconds.
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-demo-'));
// The build check (a hash of the renderer's inputs) and the look at the lab, together.
const built = ensureBuilt(useElectron ? 'electron' : 'renderer');
built.catch(() => undefined);
const reuse = flags.fresh ? { reusable: false as const, reason: '--fresh' } : await checkDemoLab(labName);
if (reuse.reusable) console.log(`Reusing the lab the last demo left up (unchanged: one router, four uplinks, nothing impaired; --fresh rebuilds it).`);
else console.log(`Starting the lab (${reuse.reason}): one router with four uplinks (Ethernet, repeater, tethering, cellular)…`);
// The lab (namespaces, sshd, snmpd) and the build wait on different things: run them together.
let labIsUp = reuse.reusable;
let buildDone = false;
void built.finally(() => (buildDone = true)).catch(() => undefined);
const labReady = reuse.reusable
  ? Promise.resolve(reuse.info)
  : (async () => {
      await labDown(labName);
      const info = await labUp({ name: labName, routers: 1, wans: 4 });
      labIsUp = true;
      console.log(`Lab up after ${seconds()}: router ${info.routers[0]?.ssh.host ?? '?'} with its four uplinks.`);
      return info;
    })();
// Awaited later; until then a failure must not count as unhandled (Node would exit at once).
labReady.catch(() => undefined);
// Says what is still being waited for: the lab, the build, or both.
const ticker = setInterval(() => {
  const waiting = [labIsUp ? null : 'bringing the lab up', buildDone ? null : 'building'].filter(Boolean);
  if (waiting.length) console.log(`  … still ${waiting.join(' and ')} (${seconds()})`);
}, 5000);
const log = consoleLogger('demo');

let stopApp: () => Promise<void> = async () => {};
let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    clearInterval(ticker);
    console.log('\nStopping the app…');
    await stopApp().catch(() => {});
    if (await labReady.then(() => true).catch(() => false)) {
      console.log(`The lab stays up for the next \`npm run demo\` (ready in seconds). To remove it: ${labCommand(`down --name ${labName}`)}`);
    } else {
      await labDown(labName).catch((error: unknown) => console.error(`lab down: ${String(error)}`));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));

// The lab's probe targets are the lab's "internet": "Fill in suggested targets" tries them first,
// as configuration (the product knows no lab address), then checks them from the router. They are
// the lab plan's constants: known before the lab is up, so the app need not wait for it.
const trackTargets: readonly string[] = [...PROBE_TARGETS];
try {
  await built;
  const core = await createCore({ dataDir, transport: 'websocket', log, trackTargets });
  if (useElectron) {
    // The desktop app opens its own core on the data folder: the site must be there first.
    await registerLab(core, await labReady);
    clearInterval(ticker);
    console.log(`Registered the lab router as the site "Demo shop" (host key pinned) after ${seconds()}.`);
    await core.close();
    const app = spawn(electronBinary, [join(root, 'out/main/index.js')], { stdio: 'inherit', env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_TRACK_TARGETS: trackTargets.join(',') } });
    stopApp = async () => void app.kill('SIGTERM');
    app.on('exit', (code) => void stop(code ?? 0));
  } else {
    // Serve mode is up in a few seconds while the lab takes longer: open the app at once; the
    // lab router appears in it (the sites list follows the core) as soon as the lab is up.
    const server = await startServeServer({ core, rendererDir: join(root, 'out/renderer') });
    stopApp = async () => {
      await server.close();
      await core.close();
    };
    console.log(`\nSwitchyard is running after ${seconds()} (Electron's binary is not available here, so in serve mode).\nOpen:\n  ${server.url}\n\n${labIsUp ? 'The lab router is the site "Demo shop".' : 'The lab router appears in it as the site "Demo shop" once the lab is up (usually 5–15 s).'} Press Ctrl-C to stop (the lab stays up for the next demo).\n`);
    await registerLab(core, await labReady);
    clearInterval(ticker);
    console.log(`Registered the lab router as the site "Demo shop" (host key pinned) after ${seconds()}: the demo is ready.`);
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
