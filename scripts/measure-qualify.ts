// Wall time of failover.qualifyTargets on a 2-uplink lab router (lab "qdm", made and removed here),
// with the router's iputils ping and then with BusyBox's (linked in its private /usr/local):
//   SWITCHYARD_LAB_TAG=x node scripts/measure-qualify.ts [RUNS]   (one JSON line per ping: min, median, max)
// Also prints the first run's findings and how the lab's DNS server (a candidate) answered.
import { addLabRouter, contractCaller, labFailoverPolicy, openLabCore } from '../test/helpers/lab-router.ts';
import { labDown, labExec, labUp } from '../test/lab/lab.ts';

const name = 'qdm';
const runs = Number(process.argv[2] ?? 5);
await labDown(name).catch(() => undefined);
const info = await labUp({ name, routers: 1, wans: 2 });
const labCore = await openLabCore('sy-qdm-');
try {
  const routerId = await addLabRouter(labCore.core, info.routers[0]!);
  const { call } = contractCaller(labCore.core);
  const [t10, t11, t12, t13] = info.probeTargets.icmp;
  const base = labFailoverPolicy(info);
  const policy = { ...base, wans: base.wans.map((w, i) => ({ ...w, tracking: { ...w.tracking, targets: i === 0 ? [t10!, t11!] : [t12!] } })) };
  const dns = info.dns!.server;
  for (const tool of ['iputils', 'busybox'] as const) {
    if (tool === 'busybox') await labExec(name, 'r01', ['ln', '-sf', '/bin/busybox', '/usr/local/bin/ping']);
    const ms: number[] = [];
    for (let k = 0; k < runs; k++) {
      const t0 = performance.now();
      const r = await call<{ pingTool: string; findings: Array<{ kind: string }>; probes: Array<{ target: string; wan: string; slow: { received: number } }> }>('failover.qualifyTargets', { routerId, policy, candidates: [t13!, dns] });
      ms.push(performance.now() - t0);
      if (r.pingTool !== tool) throw new Error(`expected ${tool}, got ${r.pingTool}`);
      const resolver = r.probes.filter((p) => p.target === dns).map((p) => `${p.wan}:${p.slow.received}/5`).join(',');
      if (k === 0) console.log(tool, 'findings', r.findings.map((f) => f.kind).join(','), 'resolver', resolver);
    }
    ms.sort((a, b) => a - b);
    console.log(JSON.stringify({ tool, runs, minMs: Math.round(ms[0]!), medianMs: Math.round(ms[Math.floor(ms.length / 2)]!), maxMs: Math.round(ms.at(-1)!) }));
  }
} finally {
  await labCore.close();
  await labDown(name);
}
