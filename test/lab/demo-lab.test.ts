// `npm run demo` reuses the lab the last demo left up only when it is exactly the demo's lab and
// untouched: checked against a real lab, changed for real (an impairment, a stopped daemon).
import { describe, expect, it } from 'vitest';
import { checkDemoLab } from '../../scripts/demo-lab.ts';
import { labFixture } from './lab-fixture.ts';
import { impair, labExec } from './lab.ts';
import { waitUntil } from './wait-until.ts';

const NAME = 'demoreu';
const lab = labFixture({ name: NAME, routers: 1, wans: 4 });

describe.skipIf(Boolean(lab.skipReason))('the demo reusing a lab', () => {
  it('reuses an unchanged lab, and names the reason to rebuild one that is impaired or missing a daemon', async () => {
    const up = await checkDemoLab(NAME);
    expect(up).toMatchObject({ reusable: true, info: { name: NAME } });
    if (up.reusable) expect(up.info.routers[0]!.ssh.hostKeyFingerprint).toBe(lab.info().routers[0]!.ssh.hostKeyFingerprint);

    await impair(NAME, 'r01', 'wlan0', { kind: 'loss', lossPct: 20 });
    expect(await checkDemoLab(NAME)).toEqual({ reusable: false, reason: 'wlan0 is impaired' });
    await impair(NAME, 'r01', 'wlan0', { kind: 'clear' });
    expect((await checkDemoLab(NAME)).reusable).toBe(true);

    await labExec(NAME, 'r01', ['sh', '-c', 'kill $(pidof snmpd)']);
    // kill only sends SIGTERM: snmpd shuts down (saving its persistent state) after it returns,
    // and on a busy machine the check below could still find it running.
    await waitUntil(() => labExec(NAME, 'r01', ['pidof', 'snmpd'], { allowFailure: true }), (r) => r.exitCode !== 0, { what: "r01's snmpd to exit after SIGTERM" });
    expect(await checkDemoLab(NAME)).toEqual({ reusable: false, reason: "r01's snmpd is not running" });

    expect(await checkDemoLab('nosuch')).toEqual({ reusable: false, reason: 'no lab is up' });
  });
});
