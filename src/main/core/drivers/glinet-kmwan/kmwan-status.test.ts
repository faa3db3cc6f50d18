// /proc/gl-kmwan on real and generated output. Real: a Flint 2 on GL firmware 4.9.1
// (test/fixtures/glinet/README.md). Synthetic: the community folder's files built from the
// kernel module's formats, and rows generated here with that printf format for the property test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { community, readFixture } from '../openwrt-mwan3/test-fixtures.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { flint2, readGlinetFixture, synthetic } from './kmwan-fixtures.ts';
import { kmwanLinkState, parseKmwanProcConfig, parseKmwanStatus } from './kmwan-status.ts';

const header = 'Interface       Netdev           Ifindex   State          TrackMode       TX packets      TX stamp        RX packets   RX stamp        ';

describe('/proc/gl-kmwan/status on a real Flint 2 (4.9.1)', () => {
  it('reads both members, their targets and flags, although a 16-digit stamp runs into the next column', () => {
    const status = parseKmwanStatus(readGlinetFixture(flint2, 'flint2-4.9.1_proc-gl-kmwan-status.txt'));
    expect(status).toEqual([
      {
        name: 'wan', device: 'eth1', ifindex: 3, kernelState: 'ACTIVE', state: 'online', reason: expect.stringContaining('ACTIVE'), trackMode: 'force',
        txPackets: 1701, txStampNs: 2919309564038167n, rxPackets: 2732, rxStampNs: 2919310458935646n,
        targets: ['1.1.1.1', '8.8.8.8', '208.67.222.222', '208.67.220.220'].map((ip) => ({ method: 'ping', ip })),
        online: true, stateSync: 1, probeEnabled: true, forceDead: false,
      },
      {
        name: 'secondwan', device: 'lan5', ifindex: 7, kernelState: 'IDEL', state: 'online', reason: expect.stringContaining('idle'), trackMode: 'passive',
        txPackets: 0, txStampNs: 0n, rxPackets: 0, rxStampNs: 0n,
        targets: ['1.1.1.1', '8.8.8.8', '208.67.222.222', '208.67.220.220'].map((ip) => ({ method: 'ping', ip })),
        online: true, stateSync: 1, probeEnabled: true, forceDead: false,
      },
    ]);
  });

  it('reads /proc/gl-kmwan/config as quoted by the same owner', () => {
    expect(parseKmwanProcConfig(readGlinetFixture(flint2, 'flint2-4.9.1_proc-gl-kmwan-config.txt'))).toEqual([
      { name: 'wan', online: true },
      { name: 'secondwan', online: true },
    ]);
  });
});

describe('every real GL.iNet capture in test/fixtures/glinet', () => {
  // Each folder other than synthetic/ holds byte-exact router output (provenance in the README);
  // a file added there without a parser here fails this test.
  const root = fileURLToPath(new URL('../../../../../test/fixtures/glinet/', import.meta.url));
  const real = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== synthetic).flatMap((d) => readdirSync(`${root}${d.name}`).map((f) => [d.name, f] as const));
  const readme = readFileSync(`${root}README.md`, 'utf8');

  it('are there and listed with their provenance', () => {
    expect(real.length).toBeGreaterThanOrEqual(2);
    for (const [dir, file] of real) expect(readme).toContain(`${dir}/${file}`);
  });

  for (const [dir, file] of real) {
    it(`${dir}/${file} parses`, () => {
      const text = readGlinetFixture(dir, file);
      if (file.endsWith('_proc-gl-kmwan-status.txt')) expect(parseKmwanStatus(text).length).toBeGreaterThan(0);
      else if (file.endsWith('_proc-gl-kmwan-config.txt')) expect(parseKmwanProcConfig(text).length).toBeGreaterThan(0);
      else throw new Error(`no parser is known for ${dir}/${file}: add one to this test`);
    });
  }
});

describe('states as the kernel means them', () => {
  it('UNSTABLE (a dead passive member) and DEAD are offline; IDEL and ACTIVE online; force_dead wins', () => {
    expect(kmwanLinkState('UNSTABLE', { online: false, forceDead: false }).state).toBe('offline');
    expect(kmwanLinkState('DEAD', { online: false, forceDead: false }).state).toBe('offline');
    expect(kmwanLinkState('IDEL', { online: true, forceDead: false }).state).toBe('online');
    expect(kmwanLinkState('ACTIVE', { online: true, forceDead: true })).toEqual({ state: 'offline', reason: expect.stringContaining('forced down by hand') });
    expect(kmwanLinkState('NEWWORD', { online: null, forceDead: null }).state).toBe('unknown');
  });

  it('reads an UNSTABLE block as offline', () => {
    const text = `${header}\nmodem_1_1_2     wwan0            9         UNSTABLE       passive         12              100             0            0               \nTrack method\tip Info\nping        \t1.1.1.1\nonline:false    state_sync:1\nprobe_enable:true\nforce_dead:false\n\n`;
    expect(parseKmwanStatus(text)).toMatchObject([{ name: 'modem_1_1_2', device: 'wwan0', kernelState: 'UNSTABLE', state: 'offline', txPackets: 12, txStampNs: 100n }]);
  });
});

describe('/proc/gl-kmwan (synthetic files from the kernel formats)', () => {
  it('still reads the synthetic status and config', () => {
    const status = parseKmwanStatus(readFixture(community, 'synthetic_proc-gl-kmwan-status.txt'));
    expect(status.map((m) => [m.name, m.device, m.kernelState, m.state])).toEqual([['wan', 'eth1', 'ACTIVE', 'online'], ['wwan', 'apclix0', 'DEAD', 'offline']]);
    expect(parseKmwanProcConfig(readFixture(community, 'synthetic_proc-gl-kmwan-config.txt'))).toEqual([{ name: 'wan', online: true }, { name: 'wwan', online: false }]);
  });

  it('refuses a table of another shape, saying what it expected', () => {
    expect(() => parseKmwanStatus('Interface  State\nwan  ACTIVE\n')).toThrow(/expected the columns Interface, Netdev/);
    expect(() => parseKmwanStatus(`${header}\nwan eth1 three ACTIVE force\n`)).toThrow(/line 2: expected a member row/);
    expect(() => parseKmwanProcConfig('wan=online\n')).toThrow(/expected "<interface>:online\|offline"/);
  });
});

// The kernel's row format: %-16s%-17s%-10d%-15s%-16s%-16llu%-16lld%-13llu%-16lld.
const widths = [16, 17, 10, 15, 16, 16, 16, 13, 16];
const row = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('');
const digits = (maxLen: number) => fc.integer({ min: 1, max: maxLen }).chain((len) => fc.tuple(fc.integer({ min: len === 1 ? 0 : 1, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: len - 1, maxLength: len - 1 })).map(([h, t]) => `${h}${t.join('')}`));
const word = (max: number) => fc.stringMatching(new RegExp(`^[a-z][a-z0-9_]{0,${max - 1}}$`));

describe('property: rows with numbers of 1 to 20 digits', () => {
  it('always give the member, device, state and track mode; a number is either right or unknown, never wrong', () => {
    fc.assert(
      fc.property(
        word(15), word(15), fc.integer({ min: 1, max: 99999 }), fc.constantFrom('ACTIVE', 'IDEL', 'DEAD', 'UNSTABLE'), fc.constantFrom('strict', 'force', 'passive'),
        digits(20), digits(20), digits(20), digits(20), fc.boolean(),
        (name, dev, ifindex, state, mode, tx, txs, rx, rxs, trimmed) => {
          let line = row([name, dev, String(ifindex), state, mode, tx, txs, rx, rxs]);
          if (trimmed) line = line.trimEnd();
          const text = `${header}\n${line}\nTrack method\tip Info\nping        \t192.0.2.1\nonline:true     state_sync:1\nprobe_enable:true\nforce_dead:false\n\n`;
          const [m] = parseKmwanStatus(text);
          expect(m).toMatchObject({ name, device: dev, ifindex, kernelState: state, trackMode: mode, online: true, forceDead: false, targets: [{ method: 'ping', ip: '192.0.2.1' }] });
          const got = [m!.txPackets, m!.txStampNs, m!.rxPackets, m!.rxStampNs];
          const want = [tx, txs, rx, rxs];
          got.forEach((g, i) => {
            if (g !== null) expect(String(g)).toBe(i % 2 === 0 ? String(Number(want[i])) : want[i]);
          });
          // Numbers that fit their columns are always read.
          if (tx.length < 16 && txs.length < 16 && rx.length < 13) expect([m!.txStampNs, m!.rxStampNs].map(String)).toEqual([txs, rxs]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads a stamp of 16 digits followed by any RX count (the real case)', () => {
    fc.assert(
      fc.property(digits(15), digits(16).filter((d) => d.length === 16), digits(12), digits(16), (tx, txs, rx, rxs) => {
        const [m] = parseKmwanStatus(`${header}\n${row(['wan', 'eth1', '3', 'ACTIVE', 'force', tx, txs, rx, rxs])}\n`);
        expect([m!.txPackets, m!.txStampNs, m!.rxPackets, m!.rxStampNs]).toEqual([Number(tx), BigInt(txs), Number(rx), BigInt(rxs)]);
      }),
    );
  });
});
