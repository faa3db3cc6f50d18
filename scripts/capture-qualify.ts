// Captures target qualification's real output on a lab router into
// src/main/core/qualify/__fixtures__ (see the README there). Needs a lab up with 2 uplinks:
//   SWITCHYARD_LAB_TAG=x npm run lab -- up --name cap --wans 2
//   node scripts/capture-qualify.ts cap NAME
// Probes eth1 (203.0.113.10, .11) and wlan0 (203.0.113.12) with whichever ping the router's PATH
// finds (an SSH session's PATH); writes NAME.preflight.txt and NAME.txt. Nothing is edited.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labExec, readLabInfo } from '../test/lab/lab.ts';
import { parsePreflight, qualifyCommand, qualifyPreflightCommand } from '../src/main/core/qualify/qualify-command.ts';

const [lab, name] = process.argv.slice(2);
if (!lab || !name) throw new Error('usage: capture-qualify.ts LAB NAME');
const wans = (await readLabInfo(lab)).routers[0]!.wans;
const sshPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const onRouter = (text: string) => labExec(lab, 'r01', ['env', `PATH=${sshPath}`, 'sh', '-c', text], { allowFailure: true, timeoutMs: 60_000 });
const dir = join(import.meta.dirname, '../src/main/core/qualify/__fixtures__');
const preflight = await onRouter(qualifyPreflightCommand(['eth1', 'wlan0']).text);
writeFileSync(join(dir, `${name}.preflight.txt`), preflight.stdout);
const { tool, sources } = parsePreflight(preflight.stdout, 2);
if (!tool) throw new Error(`neither iputils nor BusyBox ping:\n${preflight.stdout}`);
const targets = [['203.0.113.10', '203.0.113.11'], ['203.0.113.12']];
const command = qualifyCommand(
  wans.slice(0, 2).map((w, k) => ({ device: w.name, gateway: w.gateway, ...(sources[k] && { source: sources[k] }), targets: targets[k]! })),
  undefined,
  tool,
);
const result = await onRouter(command.text);
writeFileSync(join(dir, `${name}.txt`), result.stdout);
console.log(preflight.stdout, result.stdout, `exit ${result.exitCode}`);
