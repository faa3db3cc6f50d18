// Two labs brought up at the same moment from two checkouts (each with its own lab root: another
// lab tag, another SWITCHYARD_LAB_DIR) get different management addresses: the lock that
// serialises `up` is one for the whole host, as the addresses are. With a lock per lab root both
// read the host's addresses before either added its own, and took the same pair.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labSkipReason } from './lab.ts';
import { busyDeadlineMs } from './wait-until.ts';

const skipReason = labSkipReason();
const cli = resolve(import.meta.dirname, 'lab-cli.ts');
// Under /run like the default root: a router's /tmp is a fresh tmpfs, so its state dir cannot live there.
const checkouts = skipReason
  ? []
  : [
      { name: 'lkone', root: mkdtempSync('/run/sy-lab-lock-') },
      { name: 'lktwo', root: mkdtempSync('/run/sy-lab-lock-') },
    ];

/** `npm run lab -- ARGS` as another checkout would run it: its own process and lab root. */
function labCli(root: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, SWITCHYARD_LAB_DIR: root }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => done({ code, out }));
  });
}

describe.skipIf(Boolean(skipReason))('labs brought up at once from two checkouts', { timeout: 3 * busyDeadlineMs }, () => {
  afterAll(async () => {
    for (const c of checkouts) {
      await labCli(c.root, ['down', '--name', c.name]);
      rmSync(c.root, { recursive: true, force: true });
    }
  });

  it('get management addresses of their own', async () => {
    const ups = await Promise.all(checkouts.map((c) => labCli(c.root, ['up', '--name', c.name, '--wans', '1'])));
    for (const up of ups) expect(up.code, up.out).toBe(0);
    const addresses = await Promise.all(
      checkouts.map(async (c) => {
        const info = JSON.parse((await labCli(c.root, ['info', '--name', c.name])).out) as { routers: Array<{ managementAddress: string }> };
        return info.routers[0]!.managementAddress;
      }),
    );
    expect(new Set(addresses).size, addresses.join(' and ')).toBe(2);
  });
});
