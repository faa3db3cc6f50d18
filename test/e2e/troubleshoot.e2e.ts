// The Troubleshoot tab in Chromium against a lab router with failover on and its backup's line
// blackholed: checking every uplink shows eth1 working (DNS too) and wlan0 broken at the target check with
// what to do, the router's own lines behind a toggle; re-checking wlan0 after the line is back
// shows it working; with DNS dropped on wlan0 only, its DNS check fails (asked from wlan0's own
// address) while its target answers. Screenshots go to test-results/troubleshoot/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLabRouter, contractCaller, enableFailover, labFailoverPolicy, shopNames } from '../helpers/lab-router.ts';
import { impair, labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { waitUntil } from '../lab/wait-until.ts';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';

const labName = 'e2ets';
const lab = labFixture({ name: labName, routers: 1, wans: 2 });
const shots = resolve(import.meta.dirname, '../../test-results/troubleshoot');

describe.skipIf(lab.skipReason)('the Troubleshoot tab in the browser', () => {
  let session: BrowserSession;
  let routerId: string;

  const { call } = contractCaller(() => session.core);
  const wlan0State = async () => (await call<{ wans: Array<{ wan: string; state: string }> }>('failover.status', { routerId })).wans.find((w) => w.wan === 'wlan0')?.state;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    session = await openBrowserSession({ viewport: { width: 1280, height: 900 } });
    routerId = await addLabRouter(session.core, lab.info().routers[0]!, shopNames);
    await enableFailover(session.core, routerId, labFailoverPolicy(lab.info()));
    await impair(labName, 'r01', 'wlan0', { kind: 'blackhole' });
    await waitUntil(wlan0State, (s) => s === 'offline', { what: 'the agent to mark wlan0 offline' });
  }, 300_000);
  afterAll(async () => {
    await session?.close();
  });

  it('checks every uplink and says which check fails on the blackholed one and what to do', async () => {
    const { page } = session;
    await page.goto(`${session.server.url}#/routers/${routerId}/troubleshoot`);
    await page.getByRole('button', { name: 'Check every uplink' }).click();
    const wlan0 = page.locator('[data-testid="uplink-troubleshoot"][data-uplink="wlan0"]');
    const eth1 = page.locator('[data-testid="uplink-troubleshoot"][data-uplink="eth1"]');
    await wlan0.waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(shots, 'troubleshoot-blackholed-wlan0.png'), fullPage: true });

    expect(await wlan0.getAttribute('data-status')).toBe('fail');
    expect(await wlan0.getByTestId('check-target').getByTestId('check-status').getAttribute('data-status')).toBe('fail');
    expect(await wlan0.getByTestId('check-gateway').getByTestId('check-status').getAttribute('data-status')).toBe('pass');
    expect(await wlan0.getByTestId('uplink-verdict').textContent()).toMatch(/^203\.0\.113\.11 does not answer through wlan0, though the gateway does/);
    expect(await wlan0.getByTestId('check-target').getByTestId('check-fix').textContent()).toMatch(/^What to do: Check the modem's own status/);
    // The state is in words too, not colour alone.
    await expect.poll(() => wlan0.getByTestId('check-target').getByText('Failed').count()).toBe(1);
    // eth1 carries the router's own traffic, so its DNS check asks the lab's DNS server through it: all green.
    for (const id of ['link', 'gateway', 'target', 'dns', 'http']) expect(await eth1.getByTestId(`check-${id}`).getByTestId('check-status').getAttribute('data-status')).toBe('pass');
    expect(await eth1.getAttribute('data-status')).toBe('pass');

    await wlan0.getByRole('button', { name: 'What the router showed' }).click();
    const evidence = wlan0.getByTestId('evidence-target');
    await evidence.waitFor({ timeout: 10_000 });
    expect(await evidence.textContent()).toMatch(/\$ ping -n -c 3 -W 2 -I wlan0 203\.0\.113\.11[\s\S]*3 packets transmitted, 0 received, 100% packet loss/);
    await page.screenshot({ path: join(shots, 'troubleshoot-evidence.png'), fullPage: true });
    expect(session.problems).toEqual([]);
  }, 240_000);

  it('re-checks one uplink after its line is back: it works', async () => {
    const { page } = session;
    await impair(labName, 'r01', 'wlan0', { kind: 'clear' });
    await waitUntil(wlan0State, (s) => s === 'online', { what: 'wlan0 back online' });
    const wlan0 = page.locator('[data-testid="uplink-troubleshoot"][data-uplink="wlan0"]');
    await wlan0.getByRole('button', { name: 'Check wlan0 again' }).click();
    await expect.poll(() => wlan0.getAttribute('data-status'), { timeout: 120_000 }).not.toBe('fail');
    expect(await wlan0.getByTestId('check-target').getByTestId('check-status').getAttribute('data-status')).toBe('pass');
    await page.screenshot({ path: join(shots, 'troubleshoot-wlan0-back.png'), fullPage: true });
    expect(session.problems).toEqual([]);
  }, 240_000);

  it('with DNS dropped on the backup wlan0 only: its DNS check fails, asked from its own address, and the card says it needs attention', async () => {
    const { page } = session;
    const router = (...argv: string[]) => labExec(labName, 'r01', argv);
    await router('nft', 'add', 'table', 'inet', 'sy_test_dns');
    await router('nft', 'add', 'chain', 'inet', 'sy_test_dns', 'out', '{ type filter hook output priority 0; }');
    await router('nft', 'add', 'rule', 'inet', 'sy_test_dns', 'out', 'oifname', 'wlan0', 'udp', 'dport', '53', 'drop');
    try {
      const wlan0 = page.locator('[data-testid="uplink-troubleshoot"][data-uplink="wlan0"]');
      await wlan0.getByRole('button', { name: 'Check wlan0 again' }).click();
      await expect.poll(() => wlan0.getAttribute('data-status'), { timeout: 120_000 }).toBe('warn');
      const dns = wlan0.getByTestId('check-dns');
      expect(await dns.getByTestId('check-status').getAttribute('data-status')).toBe('fail');
      expect(await wlan0.getByTestId('check-target').getByTestId('check-status').getAttribute('data-status')).toBe('pass');
      expect(await wlan0.getByTestId('uplink-badge').textContent()).toBe('Needs attention');
      expect(await dns.textContent()).toMatch(/The DNS server 203\.0\.113\.53 did not answer through wlan0/);
      // The toggle is still open from the first check of wlan0 when the card was re-rendered in place.
      const toggle = wlan0.getByRole('button', { name: 'What the router showed' });
      if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
      const evidence = wlan0.getByTestId('evidence-dns');
      await evidence.waitFor({ state: 'visible', timeout: 10_000 });
      expect(await evidence.textContent()).toMatch(/\$ dig \+time=2 \+tries=1 -b 100\.65\.1\.2 @203\.0\.113\.53 example\.com A[\s\S]*no servers could be reached/);
      await page.screenshot({ path: join(shots, 'troubleshoot-wlan0-dns-dropped.png'), fullPage: true });
      expect(session.problems).toEqual([]);
    } finally {
      await router('nft', 'delete', 'table', 'inet', 'sy_test_dns');
    }
  }, 240_000);
});
