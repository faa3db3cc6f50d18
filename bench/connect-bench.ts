// `npm run bench -- connect`: on a lab router, (1) cold: a fresh core connects, checks the
// host key, detects the platform and discovers the uplinks — the time a technician waits after
// "Save and connect"; (2) reconnect: the router drops the established connection, and the time
// until a command runs again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../src/main/core/app-core.ts';
import { shellCommand } from '../src/main/core/transport/ssh/shell-quote.ts';
import { labDown, labExec, labUp } from '../test/lab/lab.ts';
import type { Benchmark } from './bench-registry.ts';
import { summarize } from './bench-stats.ts';

export const connectBenchmark: Benchmark = {
  name: 'connect',
  summary: 'Cold connect + host-key check + detection + uplink discovery on a lab router, and reconnect after the router drops the session (--trials N, default 20).',
  options: { trials: { type: 'string' } },
  run: (ctx) => connectBench({ trials: Number(ctx.options.trials ?? 20), log: (line) => ctx.log(line) }),
};

async function connectBench(options: { trials: number; log: (line: string) => void }): Promise<Record<string, unknown>> {
  const labName = 'bconn';
  await labDown(labName);
  const lab = await labUp({ name: labName, routers: 1, wans: 4 });
  const router = lab.routers[0]!;
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-bench-connect-'));
  const cold: number[] = [];
  const reconnect: number[] = [];
  try {
    for (let trial = 0; trial < options.trials; trial++) {
      const core = await createCore({ dataDir: join(dataDir, String(trial)), transport: 'direct', knownHostsFiles: [] });
      const call = async (method: string, params: unknown) => {
        const envelope = await core.dispatcher.dispatch(method, params);
        if (!envelope.ok) throw new Error(`${method}: ${envelope.error.message}`);
        return envelope.result as { id: string; status?: string };
      };
      const site = await call('sites.create', { name: 'Bench' });
      const { id } = await call('routers.create', { siteId: site.id, name: 'r', host: router.ssh.host, port: router.ssh.port, username: 'root', auth: { kind: 'key', keyPath: router.ssh.rootKeyPath } });
      core.routers.pinHostKey(id, router.ssh.hostKeyType, router.ssh.hostKeyFingerprint);
      const started = performance.now();
      const test = await call('routers.testConnection', { id });
      if (test.status !== 'trusted') throw new Error('the pinned key was not accepted');
      await call('routers.detect', { id });
      cold.push(performance.now() - started);

      // Drop the established connection from the router's side (its sshd session processes).
      const connection = await core.connections.connection(id);
      await labExec(labName, router.name, ['pkill', '-KILL', '-f', 'sshd: root@'], { allowFailure: true });
      const dropped = performance.now();
      // A command in flight when the drop is noticed fails (its outcome is unknown); callers
      // retry, and the connection comes back by itself.
      for (;;) {
        try {
          await connection.run(shellCommand(['true']), { timeoutMs: 10_000 });
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== 'connection-lost' || performance.now() - dropped > 10_000) throw error;
        }
      }
      reconnect.push(performance.now() - dropped);
      await core.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await labDown(labName);
  }
  const result = { unit: 'ms', cold: summarize(cold), reconnect: summarize(reconnect), targets: { coldMedianMs: 1000, reconnectMs: 2000 } };
  options.log(`cold connect + trust check + detection + uplinks: median ${result.cold.median} ms, p95 ${result.cold.p95} ms, max ${result.cold.max} ms (n=${result.cold.n}; target median ≤ 1000 ms)`);
  options.log(`reconnect after the router dropped the session: median ${result.reconnect.median} ms, p95 ${result.reconnect.p95} ms, max ${result.reconnect.max} ms (n=${result.reconnect.n}; target ≤ 2000 ms)`);
  return result;
}
