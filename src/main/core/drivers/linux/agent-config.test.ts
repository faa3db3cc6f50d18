// A backup probed only when needed (Cellular saver) reaches the agent's config and reads back.
import { describe, expect, it } from 'vitest';
import { defaultTracking } from '../../../../shared/failover-defaults.ts';
import type { FailoverPolicy } from '../../../../shared/model.ts';
import { parseAgentConfig, renderAgentConfig } from './agent-config.ts';

const policy = (probeWhen?: 'always' | 'needed'): FailoverPolicy => ({
  mode: 'failover',
  forcedRefreshStreams: false,
  wans: [
    { name: 'eth1', device: 'eth1', kind: 'ethernet', gateway: '100.64.1.1', priority: 1, weight: 1, enabled: true, tracking: { ...defaultTracking('linux'), targets: ['203.0.113.10'] } },
    {
      name: 'wwan0',
      device: 'wwan0',
      kind: 'cellular',
      gateway: '100.67.1.1',
      priority: 2,
      weight: 1,
      enabled: true,
      tracking: { ...defaultTracking('linux'), targets: ['203.0.113.13'], intervalSec: 60, ...(probeWhen && { probeWhen }) },
    },
  ],
});

describe('agent config: probeWhen', () => {
  it('writes probeWhen=needed for a backup probed only when needed and reads it back', () => {
    const text = renderAgentConfig(policy('needed'));
    expect(text).toContain('wan.wwan0.probeWhen=needed\n');
    expect(text).not.toContain('wan.eth1.probeWhen');
    const back = parseAgentConfig(text, (d) => (d === 'wwan0' ? 'cellular' : 'ethernet'));
    expect(back?.wans.find((w) => w.name === 'wwan0')?.tracking.probeWhen).toBe('needed');
    expect(back?.wans.find((w) => w.name === 'eth1')?.tracking.probeWhen).toBeUndefined();
  });

  it('leaves a config without it byte for byte as before (always is the agent default)', () => {
    expect(renderAgentConfig(policy('always'))).toBe(renderAgentConfig(policy()));
    expect(renderAgentConfig(policy())).not.toContain('probeWhen');
  });
});
