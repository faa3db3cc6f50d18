// The serve-mode/CLI master key from the OS keyring (libsecret's `secret-tool`), created on
// first use. Returns null when there is no usable keyring (no secret-tool, no D-Bus session,
// locked keyring), so the caller can fall back to a passphrase or to memory.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const attributes = ['service', 'switchyard', 'account', 'master-key'];

export async function keyFromKeyring(timeoutMs = 3000): Promise<Buffer | null> {
  const existing = await secretTool(['lookup', ...attributes], undefined, timeoutMs);
  if (existing.ok && existing.stdout.trim()) {
    const key = Buffer.from(existing.stdout.trim(), 'base64');
    return key.length === 32 ? key : null;
  }
  const key = randomBytes(32);
  const stored = await secretTool(['store', '--label=Switchyard secrets key', ...attributes], key.toString('base64'), timeoutMs);
  return stored.ok ? key : null;
}

function secretTool(args: string[], input: string | undefined, timeoutMs: number): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile('secret-tool', args, { timeout: timeoutMs }, (error, stdout) => resolve({ ok: !error, stdout: String(stdout) }));
    child.on('error', () => resolve({ ok: false, stdout: '' }));
    child.stdin?.end(input ?? '');
  });
}
