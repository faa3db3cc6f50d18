// The drill on platforms it cannot drill yet: a router detected from real OpenWrt + mwan3
// captures (and the same with GL.iNet's kmwan state, synthetic config) is refused with what is
// missing and what to do instead, before the driver or a shell is asked for — nothing runs on
// the router — and the refusal leaves no drill marked as running.
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../../shared/errors.ts';
import { parseDetection } from '../detect/detect-parse.ts';
import { community, openwrtLabProbeOutput, readDetectFixture } from '../detect/detect-test-fixtures.ts';
import { DrillService } from './drill-service.ts';

function serviceFor(probeOutput: string) {
  const detection = parseDetection(probeOutput, 'SSH-2.0-dropbear_2019.78');
  const touched: string[] = [];
  const service = new DrillService({
    router: () => ({ name: 'Shop router', host: '198.51.100.9', platform: detection.platform, siteId: 's1', facts: detection as never }),
    siteName: () => 'Corner Bakery',
    driver: async () => {
      touched.push('driver');
      throw new Error('the driver must not be asked for');
    },
    shell: async () => {
      touched.push('shell');
      throw new Error('no shell may be opened');
    },
    store: { list: () => [], get: () => null } as never,
    emit: () => touched.push('progress'),
    record: () => touched.push('event'),
  });
  return { service, detection, touched };
}

describe('the drill on routers it cannot drill yet', () => {
  it('OpenWrt with mwan3 (real captures): refused with what is missing and what to do instead; nothing touched', async () => {
    const { service, detection, touched } = serviceFor(openwrtLabProbeOutput());
    expect(detection.platform).toBe('openwrt-mwan3');
    const refusal = await service.start({ routerId: 'r1', trials: 1, holdSec: 3 }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SwitchyardError);
    expect(refusal).toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(/^The failover drill runs on plain Linux routers with the Switchyard agent for now\. Shop router \(openwrt-mwan3\): OpenWrt with mwan3 needs .*not built yet\. Until then, prove failover by unplugging the primary uplink/),
    });
    expect(touched).toEqual([]);
    expect(service.list('r1')).toMatchObject({ running: null, lastFailure: null });
  });

  it('GL.iNet kmwan (real OpenWrt captures + synthetic kmwan config): refused the same way', async () => {
    const { service, detection, touched } = serviceFor(openwrtLabProbeOutput({ 'kmwan-config': readDetectFixture(`${community}/synthetic_proc-gl-kmwan-config.txt`) }));
    expect(detection.platform).toBe('glinet-kmwan');
    await expect(service.start({ routerId: 'r1', trials: 1, holdSec: 3 })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/Shop router \(glinet-kmwan\): GL\.iNet 4\.x needs .*Until then, prove failover/) });
    expect(touched).toEqual([]);
    // A second try is refused the same way: the first left nothing marked as running.
    await expect(service.start({ routerId: 'r1', trials: 1, holdSec: 3 })).rejects.toMatchObject({ code: 'unsupported' });
  });
});
