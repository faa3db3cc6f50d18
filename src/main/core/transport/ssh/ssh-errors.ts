// Typed errors of the SSH transport. Each maps onto a contract code, carries the facts the UI
// needs as typed fields, and says in plain words what to do next. Never a secret in a message.
import { SwitchyardError } from '../../../../shared/errors.ts';

/** Where the error happened, so messages name the router the technician typed. */
export interface SshTarget {
  readonly host: string;
  readonly port: number;
}

function where(t: SshTarget): string {
  return t.port === 22 ? t.host : `${t.host} port ${t.port}`;
}

export class AuthError extends SwitchyardError {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  constructor(target: SshTarget, username: string, reason?: string) {
    super(
      'auth-failed',
      `${where(target)} refused the login as "${username}"${reason ? ` (${reason})` : ''}. ` +
        'Check the user name, the password or key, and that this login method is allowed on the router.',
      { host: target.host, port: target.port, username },
    );
    this.host = target.host;
    this.port = target.port;
    this.username = username;
  }
}

/** A private key that could not be used locally (wrong passphrase, unreadable format). */
export class PrivateKeyError extends SwitchyardError {
  constructor(reason: string) {
    super('auth-failed', `The private key could not be used: ${reason}. Check the key file and its passphrase.`);
  }
}

export class HostKeyUnknownError extends SwitchyardError {
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  readonly fingerprint: string;
  constructor(target: SshTarget, keyType: string, fingerprint: string) {
    super(
      'host-key-unknown',
      `This is the first connection to ${where(target)}. Its ${keyType} host key fingerprint is ${fingerprint}. ` +
        'Compare it with the one the router shows, then trust it to continue.',
      { host: target.host, port: target.port, keyType, fingerprint },
    );
    this.host = target.host;
    this.port = target.port;
    this.keyType = keyType;
    this.fingerprint = fingerprint;
  }
}

export class HostKeyMismatchError extends SwitchyardError {
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  readonly expectedFingerprint: string;
  readonly offeredFingerprint: string;
  constructor(target: SshTarget, keyType: string, expectedFingerprint: string, offeredFingerprint: string) {
    super(
      'host-key-mismatch',
      `The host key of ${where(target)} has changed: expected ${expectedFingerprint}, ` +
        `but the router offered ${offeredFingerprint} (${keyType}). The connection was refused. ` +
        'If the router was reset or replaced, re-pin its key explicitly; otherwise someone may be intercepting the connection.',
      { host: target.host, port: target.port, keyType, expectedFingerprint, offeredFingerprint },
    );
    this.host = target.host;
    this.port = target.port;
    this.keyType = keyType;
    this.expectedFingerprint = expectedFingerprint;
    this.offeredFingerprint = offeredFingerprint;
  }
}

/** A key marked @revoked in known_hosts. */
export class HostKeyRevokedError extends SwitchyardError {
  readonly fingerprint: string;
  constructor(target: SshTarget, keyType: string, fingerprint: string) {
    super(
      'host-key-revoked',
      `The ${keyType} host key ${fingerprint} offered by ${where(target)} is marked revoked in known_hosts. ` +
        'The connection was refused.',
      { host: target.host, port: target.port, keyType, fingerprint, revoked: true },
    );
    this.fingerprint = fingerprint;
  }
}

export class TimeoutError extends SwitchyardError {
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number, hint = '') {
    super('timeout', `${what} did not finish within ${formatMs(timeoutMs)}.${hint ? ` ${hint}` : ''}`, { timeoutMs });
    this.timeoutMs = timeoutMs;
  }
}

export class ConnectionLostError extends SwitchyardError {
  constructor(target: SshTarget, reason: string) {
    super(
      'connection-lost',
      `The SSH connection to ${where(target)} was lost (${reason}). Check the link to the router; Switchyard reconnects by itself when it can.`,
      { host: target.host, port: target.port },
    );
  }
}

/**
 * The router's SSH server would not start a command on a new channel (ssh2: "Unable to exec",
 * "Unable to request a pseudo-terminal"): it answered the request with a failure, or closed the
 * channel before answering. Either way the command never ran. Named after what was seen.
 */
export class ChannelRefusedError extends SwitchyardError {
  constructor(target: SshTarget, program: string, detail: { readonly reason: string; readonly attempts: number; readonly server: string | undefined }) {
    const dropbear = detail.server !== undefined && /dropbear/i.test(detail.server);
    super(
      'command-failed',
      `The SSH server of ${where(target)}${detail.server ? ` (${detail.server})` : ''} refused to start "${program}" on a new channel ${detail.attempts === 1 ? 'once' : `${detail.attempts} times in a row`} (${detail.reason}); the command did not run. ` +
        (dropbear
          ? 'dropbear closes a channel that opens while another one is closing; Switchyard keeps its channels within that and retried. Try again; if it keeps happening, the router may be short of memory or processes (check `free` and `ps` on it).'
          : 'Try again; if it keeps happening, check the SSH server on the router (its log says why).'),
      { host: target.host, port: target.port, attempts: detail.attempts, ...(detail.server ? { server: detail.server } : {}) },
    );
  }
}

/** A command line longer than the router's SSH server takes (dropbear closes the whole connection). */
export class CommandTooLongError extends SwitchyardError {
  constructor(program: string, bytes: number, maxBytes: number) {
    super(
      'internal',
      `The router command "${program}" is ${bytes} bytes long, over the ${maxBytes} bytes Switchyard sends as one command line: dropbear (the SSH server of OpenWrt, RutOS and GL.iNet) drops the whole connection for a command over 9000 bytes. Nothing was sent. This is a bug in Switchyard: data belongs on standard input.`,
      { bytes, maxBytes },
    );
  }
}

export class ConnectionRefusedError extends SwitchyardError {
  constructor(target: SshTarget) {
    super(
      'connection-refused',
      `${where(target)} refused the connection. Check that SSH is enabled on the router and the port number is right.`,
      { host: target.host, port: target.port },
    );
  }
}

/** The port answered, but not with SSH (a web server, a banner, noise). */
export class NotSshError extends SwitchyardError {
  constructor(target: SshTarget, reason: string) {
    super(
      'not-ssh',
      `${where(target)} answered, but not as an SSH server (${reason}). Check the port number.`,
      { host: target.host, port: target.port, reason: 'protocol' },
    );
  }
}

export class HostUnreachableError extends SwitchyardError {
  constructor(target: SshTarget, reason: string) {
    super(
      'host-unreachable',
      `${where(target)} could not be reached (${reason}). Check the address and that this computer is on the router's network.`,
      { host: target.host, port: target.port },
    );
  }
}

export class CommandError extends SwitchyardError {
  readonly exitCode: number | null;
  readonly signal: string | undefined;
  readonly stderr: string;
  constructor(program: string, exitCode: number | null, signal: string | undefined, stderr: string) {
    const how = exitCode !== null ? `exited with code ${exitCode}` : signal ? `was killed by ${signal}` : 'ended without an exit code';
    const tail = stderr.trim().slice(-500);
    super('command-failed', `The router command "${program}" ${how}${tail ? `: ${tail}` : '.'}`, {
      program,
      exitCode,
      signal,
      stderr: tail,
    });
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderr = stderr;
  }
}

export class OutputTooLargeError extends SwitchyardError {
  readonly limitBytes: number;
  constructor(program: string, limitBytes: number) {
    super(
      'output-too-large',
      `The router command "${program}" printed more than ${limitBytes} bytes, so it was stopped.`,
      { program, limitBytes },
    );
    this.limitBytes = limitBytes;
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
