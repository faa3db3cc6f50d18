// The replay helper itself: recorded exit codes and stderr, expectExit like the SSH runner, and a
// loud failure for any command nobody recorded.
import { describe, expect, it } from 'vitest';
import { shellCommand } from '../../transport/ssh/shell-quote.ts';
import { createReplayShell, recorded } from './replay-shell.ts';
import { lab } from './test-fixtures.ts';

describe('ReplayShell', () => {
  const shell = () => createReplayShell({ 'ubus call mwan3 status': recorded(lab, 'common__ubus-call-mwan3-status') });

  it('replays stdout, stderr and the exit code from index.tsv, and throws like the runner for an unexpected exit', async () => {
    const s = shell();
    const r = await s.run(shellCommand(['ubus', 'call', 'mwan3', 'status']), { expectExit: 'any' });
    expect(r).toMatchObject({ stdout: '', stderr: 'Command failed: Not found\n', exitCode: 4 });
    await expect(s.run(['ubus', 'call', 'mwan3', 'status'])).rejects.toMatchObject({ code: 'command-failed', exitCode: 4 });
    expect(s.calls.map((c) => c.command)).toEqual(['ubus call mwan3 status', 'ubus call mwan3 status']);
  });

  it('fails loudly, naming the command, when nothing was recorded for it', async () => {
    await expect(shell().run(shellCommand(['uci', 'commit', 'mwan3']))).rejects.toThrow('no recording for the command the driver sent:\nuci commit mwan3');
  });
});
