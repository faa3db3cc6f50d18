// The failover drill in Chromium against a lab router with failover enabled: run a drill from
// the router's Failover drill tab, follow its progress, open its report, and export the PDF —
// rendered to PNG with pdftoppm and checked as an image (a page with the verdict's colour band
// and the timeline's ink on it), with no console error on the way.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLabRouter, enableFailover, labFailoverPolicy, shopNames, waitProbed } from '../helpers/lab-router.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';

const labName = 'e2edr';
const lab = labFixture({ name: labName, routers: 1, wans: 2 });
const artifacts = process.env.DRILL_E2E_ARTIFACTS;

describe.skipIf(lab.skipReason)('the failover drill in the browser', () => {
  let session: BrowserSession;
  let routerId: string;
  let workDir: string;
  let verdictText = '';


  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'sy-e2edr-'));
    session = await openBrowserSession();
    routerId = await addLabRouter(session.core, lab.info().routers[0]!, shopNames);
    await enableFailover(session.core, routerId, labFailoverPolicy(lab.info()));
    // The drill starts only with a backup online: on its probes' word, not the agent's start-up state.
    await waitProbed(session.core, routerId, 'eth1');
  }, 300_000);
  afterAll(async () => {
    await session?.core.drills.settled();
    await session?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('runs a drill from the router page and opens its report', async () => {
    const { page } = session;
    await page.goto(`${session.server.url}#/routers/${routerId}/drill`);
    await page.getByText('No drill yet on this router.').waitFor({ timeout: busyDeadlineMs });
    await page.getByRole('button', { name: 'Run failover drill' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start the drill' }).click();
    await page.getByTestId('drill-progress').waitFor({ timeout: busyDeadlineMs });
    if (artifacts) await page.screenshot({ path: join(artifacts, 'drill-progress.png'), fullPage: true });
    // The report opens by itself when the drill is done.
    await page.getByTestId('drill-report').waitFor({ timeout: 240_000 });
    const frame = page.frameLocator('iframe[title="Drill report"]');
    const verdict = await frame.getByTestId('drill-verdict').textContent({ timeout: busyDeadlineMs });
    verdictText = verdict ?? '';
    expect(verdict).toMatch(/^Card payments stay up: wlan0 carried traffic \d+\.\d s after eth1 failed/);
    expect(await frame.locator('svg').count()).toBe(1);
    expect(await frame.locator('pre').textContent()).toMatch(/switch \{"from":\["eth1"\],"to":\["wlan0"\]/);
    expect(await page.getByRole('button', { name: 'Open report' }).count()).toBe(1);
    if (artifacts) await page.screenshot({ path: join(artifacts, 'drill-report.png'), fullPage: true });
    expect(session.problems).toEqual([]);
  }, 300_000);

  it('exports the report as a PDF that renders as a page with the report on it', async () => {
    const { page } = session;
    const downloading = page.waitForEvent('download', { timeout: 120_000 });
    await page.getByTestId('drill-report').getByRole('button', { name: 'PDF' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^drill-Shop_router-.*\.pdf$/);
    const pdf = join(workDir, 'report.pdf');
    await download.saveAs(pdf);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');

    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, join(workDir, 'page')]);
    const png = readFileSync(join(workDir, 'page-1.png'));
    if (artifacts) writeFileSync(join(artifacts, 'drill-report-pdf-page1.png'), png);
    // Look at the image: a portrait page, mostly white, with text ink and the verdict's green band.
    const probe = await session.browser.newPage();
    // Runs in the page, as source text: this file is typed for Node, not the DOM.
    const pixels = (await probe.evaluate(`(async () => {
      const img = new Image();
      img.src = ${JSON.stringify(`data:image/png;base64,${png.toString('base64')}`)};
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      let dark = 0, green = 0, red = 0;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i], g = data[i + 1], b = data[i + 2];
        if (r + g + b < 300) dark++;
        // The verdict's band: #ebfbee when it passed, #fff5f5 when it needs a look.
        if (Math.abs(r - 235) < 6 && g > 245 && Math.abs(b - 238) < 6) green++;
        if (r > 250 && Math.abs(g - 245) < 5 && Math.abs(b - 245) < 5) red++;
      }
      const n = img.width * img.height;
      return { width: img.width, height: img.height, darkShare: dark / n, greenShare: green / n, redShare: red / n };
    })()`)) as { width: number; height: number; darkShare: number; greenShare: number; redShare: number };
    await probe.close();
    expect(pixels.height).toBeGreaterThan(pixels.width);
    expect(pixels.darkShare).toBeGreaterThan(0.005);
    expect(pixels.darkShare).toBeLessThan(0.3);
    // The band's colour is the verdict's: a drill slower than predicted (a busy machine) is red.
    const passed = !/slower than the predicted/.test(verdictText);
    expect(passed ? pixels.greenShare : pixels.redShare).toBeGreaterThan(0.002);
    expect(passed ? pixels.redShare : pixels.greenShare).toBeLessThan(0.0005);
  }, 180_000);
});
