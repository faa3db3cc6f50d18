// Timing presets and target qualification in Chromium against a lab router with failover
// enabled (issue 14 items 3 and 4): the presets show their bounds and data cost and one click
// puts Fast in the draft; a target blackholed on eth1's path (nft in the ISP's namespace) is
// found by testing from the router, and its one-click fix replaces it with a spare address that
// answers, after which the test is clean. Screenshots under test-results/ (PRESETS_E2E_ARTIFACTS).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLabRouter, enableFailover, labFailoverPolicy, shopNames } from '../helpers/lab-router.ts';
import { labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';

const labName = 'e2epq';
const lab = labFixture({ name: labName, routers: 1, wans: 2 });
const artifacts = process.env.PRESETS_E2E_ARTIFACTS;

describe.skipIf(lab.skipReason)('timing presets and target qualification in the browser', () => {
  let session: BrowserSession;
  let routerId: string;
  const shot = async (name: string) => {
    if (!artifacts) return;
    mkdirSync(artifacts, { recursive: true });
    await session.page.screenshot({ path: join(artifacts, name), fullPage: true });
  };

  beforeAll(async () => {
    session = await openBrowserSession({ viewport: { width: 1400, height: 1000 } });
    const info = lab.info();
    const [t10, t11, t12] = info.probeTargets.icmp;
    routerId = await addLabRouter(session.core, info.routers[0]!, shopNames);
    await enableFailover(session.core, routerId, labFailoverPolicy(info, { targets: (i) => (i === 0 ? [t10!, t11!] : [t12!]) }));
    // eth1's ISP drops everything to the first target: reachable through wlan0 only.
    await labExec(labName, 'r01-eth1', ['sh', '-c', 'printf "%s" "$1" | nft -f -', 'sh', `add table inet sytest\nadd chain inet sytest drops { type filter hook forward priority 0; }\nadd rule inet sytest drops ip daddr ${t10} drop\n`]);
  }, 300_000);
  afterAll(async () => {
    await session?.close();
  });

  it('shows each preset with its bound, parts and data, and puts Fast in the draft', async () => {
    const { page } = session;
    await page.goto(`${session.server.url}#/routers/${routerId}/failover`);
    await page.getByTestId('timing-presets').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('preset-current').textContent()).toBe('In the draft: Balanced');
    expect(await page.getByTestId('preset-fast-failover').textContent()).toMatch(/Failover within 0\.7 s.*0\.2 s — a probe counts as lost/);
    expect(await page.getByTestId('preset-balanced-failover').textContent()).toMatch(/Failover within 2\.6 s/);
    expect(await page.getByTestId('preset-fast-data').textContent()).toMatch(/eth1: 8\.7 GB — every 0\.1 s × 2 targets/);
    expect(await page.getByTestId('preset-cellular-saver-data').textContent()).toMatch(/wlan0: 2\.2 GB — every 0\.2 s × 1 target/); // a repeater is not metered: Cellular saver leaves it as Balanced
    await page.getByTestId('use-preset-fast').click();
    await page.getByText('In the draft: Fast').waitFor({ timeout: 10_000 });
    await page.getByTestId('timing-presets').scrollIntoViewIfNeeded();
    await shot('presets-fast-in-draft.png');
    expect(session.problems).toEqual([]);
  }, 120_000);

  it('tests the targets from the router, finds the blackholed one, and fixes it in one click', async () => {
    const { page } = session;
    const [t10, , , t13] = lab.info().probeTargets.icmp;
    await page.getByLabel('Spare addresses to try (optional)').fill(t13!);
    await page.getByTestId('qualify-run').click();
    const finding = page.getByTestId('finding-no-answer');
    await finding.waitFor({ timeout: 90_000 });
    expect(await finding.textContent()).toMatch(new RegExp(`${t10!.replaceAll('.', '\\.')} did not answer through eth1: 0 of 5 echoes.*answers through wlan0 \\(5 of 5\\)`));
    await page.getByTestId('target-qualification').scrollIntoViewIfNeeded();
    await shot('qualify-findings.png');
    await finding.getByTestId('finding-fix').click();
    await finding.getByTestId('finding-fixed').waitFor({ timeout: 10_000 });
    await page.getByTestId('qualify-run').click();
    await page.getByTestId('finding-no-answer').waitFor({ state: 'detached', timeout: 90_000 });
    await page.getByTestId('qualify-result').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('qualify-probes').textContent()).toContain(t13!);
    await shot('qualify-after-fix.png');
    expect(await page.getByTestId('qualify-ping-tool').textContent()).toBe("Probed with the router's own iputils ping.");
    expect(session.problems).toEqual([]);
  }, 240_000);

  it('on a router whose ping is BusyBox’s (as on OpenWrt): the test runs and says what it probed with', async () => {
    const { page } = session;
    // An SSH session's PATH finds /usr/local/bin first; /usr/local is the lab router's own overlay.
    await labExec(labName, 'r01', ['ln', '-sf', '/bin/busybox', '/usr/local/bin/ping']);
    try {
      await page.getByTestId('qualify-run').click();
      await expect.poll(() => page.getByTestId('qualify-ping-tool').textContent(), { timeout: 90_000 }).toMatch(/^Probed with the router's own BusyBox ping \(echoes from each uplink’s address; path from BusyBox traceroute\)\.$/);
      expect(await page.getByTestId('qualify-error').count()).toBe(0);
      expect(await page.getByTestId('qualify-probes').textContent()).toMatch(/5 of 5/);
      await page.getByTestId('target-qualification').scrollIntoViewIfNeeded();
      await shot('qualify-busybox.png');
    } finally {
      await labExec(labName, 'r01', ['rm', '-f', '/usr/local/bin/ping']);
    }
    expect(session.problems).toEqual([]);
  }, 240_000);
});
