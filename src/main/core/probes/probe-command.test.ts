import { describe, expect, it } from 'vitest';
import { probeArgv } from './probe-command.ts';

describe('probeArgv', () => {
  it('builds the bound, streaming form of each tool', () => {
    const base = { device: 'eth1', target: '192.0.2.1', intervalSec: 1, timeoutSec: 2 };
    expect(probeArgv({ ...base, flavor: 'iputils' })).toEqual(['ping', '-n', '-O', '-I', 'eth1', '-i', '1', '192.0.2.1']);
    expect(probeArgv({ ...base, flavor: 'busybox' })).toEqual(['ping', '-I', 'eth1', '-i', '1', '192.0.2.1']);
    expect(probeArgv({ ...base, flavor: 'httping', httpPath: '/generate_204' })).toEqual(['httping', '-s', '-i', '1', '-t', '2', '-g', 'http://192.0.2.1/generate_204']);
  });
});
