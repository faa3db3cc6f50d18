// One SSH connection per router, shared by all work: host-key trust, login, keepalive, a channel
// cap below OpenSSH's MaxSessions, reconnect with backoff, the command runner and probe streams.
import type ssh2 from 'ssh2';
import { ssh2Module } from './ssh2-module.ts';
import type { Algorithms, ClientChannel, ExecOptions } from 'ssh2';
import type { Duplex } from 'node:stream';
import { SwitchyardError } from '../../../../shared/errors.ts';
import { fingerprintOf, keyTypeOfBlob, type HostKeyTrust } from './host-key.ts';
import { LineSplitter } from './line-splitter.ts';
import { isShellCommand, shellCommand, type ShellCommand } from './shell-quote.ts';
import { authAttempts, makeAuthHandler, secretsOf, type SshAuth } from './ssh-auth.ts';
import {
  AuthError,
  ChannelRefusedError,
  CommandError,
  CommandTooLongError,
  ConnectionLostError,
  ConnectionRefusedError,
  HostKeyMismatchError,
  HostKeyRevokedError,
  HostKeyUnknownError,
  HostUnreachableError,
  NotSshError,
  OutputTooLargeError,
  PrivateKeyError,
  TimeoutError,
  type SshTarget,
} from './ssh-errors.ts';

export type SshLogLevel = 'debug' | 'info' | 'warn';
/** Injected logger. Lines never carry credentials (they are also redacted before this is called). */
export type SshLog = (level: SshLogLevel, message: string) => void;

export interface ReconnectPolicy {
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly maxAttempts?: number;
}

export interface SshConnectOptions {
  readonly host: string;
  readonly port?: number;
  readonly username: string;
  /** Tried in order; methods the server does not offer are skipped. */
  readonly auth: SshAuth | readonly SshAuth[];
  readonly hostKeyTrust: HostKeyTrust;
  /** TCP connect + handshake + login. */
  readonly readyTimeoutMs?: number;
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
  /** Concurrent session channels; OpenSSH allows 10 by default. */
  readonly maxChannels?: number;
  /** false: a dropped connection stays down. */
  readonly reconnect?: ReconnectPolicy | false;
  /** Connect through this host first (ProxyJump); it may have its own jump. */
  readonly jump?: SshConnectOptions;
  /** Only for legacy routers; the defaults suit everything recent. */
  readonly algorithms?: Algorithms;
  readonly log?: SshLog;
}

export type SshConnectionState = 'connecting' | 'ready' | 'reconnecting' | 'closed' | 'failed';

export interface SshStateChange {
  readonly state: SshConnectionState;
  readonly previous: SshConnectionState;
  /** Reconnect attempt about to be made (1-based). */
  readonly attempt?: number;
  readonly nextRetryInMs?: number;
  readonly error?: SwitchyardError;
}

export interface RunOptions {
  /** Exit codes that count as success; 'any' returns every exit. */
  readonly expectExit?: readonly number[] | 'any';
  /** Whole run: waiting for the link, for a channel, and the command itself. */
  readonly timeoutMs?: number;
  /** stdout + stderr together. */
  readonly maxOutputBytes?: number;
  /** Written to the command's stdin, then EOF. Without it stdin is closed at once. */
  readonly stdin?: string | Buffer;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly signal: string | undefined;
  /** The raw bytes, for output that is not text. */
  readonly stdoutBytes: Buffer;
}

export interface StreamExit {
  readonly reason: 'exited' | 'stopped' | 'connection-lost';
  readonly exitCode: number | null;
  readonly signal: string | undefined;
}

export interface StreamOptions {
  readonly onLine: (line: string) => void;
  readonly onExit?: (exit: StreamExit) => void;
  /** For opening the channel (the stream itself runs until stopped). */
  readonly openTimeoutMs?: number;
}

export interface StreamHandle {
  /** Ends the remote process (signal, then closing the pty hangs it up) and frees the channel. */
  stop(): Promise<StreamExit>;
  readonly done: Promise<StreamExit>;
}

export type Command = ShellCommand | readonly string[];

const DEFAULTS = {
  port: 22,
  readyTimeoutMs: 10_000,
  keepaliveIntervalMs: 5_000,
  keepaliveCountMax: 3,
  maxChannels: 8,
  runTimeoutMs: 30_000,
  maxOutputBytes: 16 * 1024 * 1024,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxAttempts: 10,
  /** How long a killed channel may take to confirm its close before its slot is freed anyway. */
  closeGraceMs: 2_000,
} as const;

/** Exponential backoff with "equal jitter": half fixed, half random, so routers are not stormed in step. */
export function backoffDelayMs(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A counting semaphore whose waiters can give up. */
class Slots {
  #max: number;
  #used = 0;
  #peak = 0;
  readonly #waiters: (() => void)[] = [];
  constructor(max: number) {
    this.#max = max;
  }
  get used(): number {
    return this.#used;
  }
  get peak(): number {
    return this.#peak;
  }
  /** Lowers the cap (never raises it): for a server that takes fewer channels than asked. */
  limit(max: number): void {
    this.#max = Math.min(this.#max, max);
  }
  /** Resolves with a release function that is safe to call twice. */
  acquire(deadlineMs: number, onTimeout: () => Error): Promise<() => void> {
    const grant = (): (() => void) => {
      this.#used++;
      this.#peak = Math.max(this.#peak, this.#used);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.#used--;
        this.#waiters.shift()?.();
      };
    };
    if (this.#used < this.#max) return Promise.resolve(grant());
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(grant());
      };
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(wake);
        if (i !== -1) this.#waiters.splice(i, 1);
        reject(onTimeout());
      }, Math.max(0, deadlineMs - Date.now()));
      this.#waiters.push(wake);
    });
  }
}

interface Link {
  readonly client: ssh2.Client;
  readonly jump: Link | undefined;
}

function endLink(link: Link | undefined): void {
  if (!link) return;
  link.client.end();
  endLink(link.jump);
}

function redactor(secrets: readonly string[], log: SshLog | undefined): SshLog {
  if (!log) return () => {};
  return (level, message) => {
    let safe = message;
    for (const s of secrets) safe = safe.split(s).join('***');
    log(level, safe);
  };
}

function allSecrets(o: SshConnectOptions): string[] {
  const auths = Array.isArray(o.auth) ? (o.auth as readonly SshAuth[]) : [o.auth as SshAuth];
  return [...secretsOf(auths), ...(o.jump ? allSecrets(o.jump) : [])];
}

type Ssh2Error = Error & { level?: string; code?: string };

/** Turns whatever ssh2 or the socket reported into one typed error a technician can act on. */
function mapConnectError(err: Ssh2Error, target: SshTarget, username: string, tried: readonly string[], readyTimeoutMs: number): SwitchyardError {
  if (err instanceof SwitchyardError) return err;
  switch (err.code) {
    case 'ECONNREFUSED':
      return new ConnectionRefusedError(target);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new HostUnreachableError(target, 'the name could not be resolved');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'EADDRNOTAVAIL':
      return new HostUnreachableError(target, 'no route to it');
    case 'ETIMEDOUT':
      return new HostUnreachableError(target, 'it did not answer');
    case 'ECONNRESET':
    case 'EPIPE':
      return new ConnectionLostError(target, 'the router reset the connection during login');
  }
  if (err.level === 'client-authentication') {
    return new AuthError(target, username, tried.length ? `tried ${[...new Set(tried)].join(', ')}` : 'no usable login method');
  }
  if (err.level === 'client-timeout') {
    return new TimeoutError(
      `Connecting to ${target.host}:${target.port}`,
      readyTimeoutMs,
      'The address answered but the SSH login did not complete. Check the address and port, or the router may be overloaded.',
    );
  }
  if (err.level === 'protocol' || err.level === 'handshake') return new NotSshError(target, err.message);
  return new ConnectionLostError(target, err.message);
}

/**
 * Printed by the remote shell before a stream's command. sshd confirms an exec as soon as it has
 * forked, before the child has made the pty its controlling terminal; a stop in that window reaches
 * nothing (the KILL goes to a process group that does not exist yet, the hangup to no session) and
 * the command then runs forever. Once the marker is read, the shell holds its terminal.
 */
const streamReadyMarker = 'switchyard-stream-ready';

/** Sends a signal even after stdin EOF: ssh2 1.17 drops signals once EOF was sent (its PR #1510). */
function sendSignal(ch: ClientChannel, name: string): void {
  const c = ch as unknown as { outgoing?: { state?: string; id?: number }; _client?: { _protocol?: { signal?: (id: number, sig: string) => void } } };
  const state = c.outgoing?.state;
  if ((state === 'open' || state === 'eof') && typeof c.outgoing?.id === 'number' && typeof c._client?._protocol?.signal === 'function') {
    try {
      c._client._protocol.signal(c.outgoing.id, name);
    } catch {
      // the link is going away anyway
    }
  }
}

function toCommand(cmd: Command): ShellCommand {
  if (isShellCommand(cmd)) return cmd;
  if (Array.isArray(cmd)) return shellCommand(cmd as readonly string[]);
  throw new TypeError('a remote command must be an argv array or built with shell-quote (raw strings are refused)');
}

async function openLink(o: SshConnectOptions, log: SshLog): Promise<Link> {
  const target: SshTarget = { host: o.host, port: o.port ?? DEFAULTS.port };
  const readyTimeoutMs = o.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs;
  const auths = Array.isArray(o.auth) ? (o.auth as readonly SshAuth[]) : [o.auth as SshAuth];
  const attempts = authAttempts(auths, o.username); // throws PrivateKeyError before any network work
  if (attempts.length === 0) throw new AuthError(target, o.username, 'no usable login method was configured (is the agent running?)');

  let jump: Link | undefined;
  let sock: Duplex | undefined;
  if (o.jump) {
    jump = await openLink(o.jump, log);
    try {
      sock = await new Promise<Duplex>((resolve, reject) => {
        jump!.client.forwardOut('127.0.0.1', 0, target.host, target.port, (err, stream) => (err ? reject(err) : resolve(stream)));
      });
    } catch (err) {
      endLink(jump);
      const msg = (err as Error).message;
      throw /refused/i.test(msg) ? new ConnectionRefusedError(target) : new HostUnreachableError(target, `from the jump host ${o.jump.host}: ${msg}`);
    }
  }

  const client = new (ssh2Module().Client)();
  const tried: string[] = [];
  log('info', `connecting to ${target.host}:${target.port} as ${o.username}${o.jump ? ` via ${o.jump.host}` : ''}`);
  return new Promise<Link>((resolve, reject) => {
    let settled = false;
    let verdictError: SwitchyardError | undefined;
    const fail = (err: SwitchyardError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(overall);
      log('warn', `connect to ${target.host}:${target.port} failed: ${err.code}`);
      client.end();
      (client as unknown as { _sock?: { destroy?: () => void } })._sock?.destroy?.();
      endLink(jump);
      reject(err);
    };
    // ssh2's readyTimeout starts after DNS; this bound covers everything, so nothing waits forever.
    const overall = setTimeout(
      () => fail(new TimeoutError(`Connecting to ${target.host}:${target.port}`, readyTimeoutMs, 'Check the address, and that the router is on.')),
      readyTimeoutMs + 500,
    );
    client.once('ready', () => {
      if (settled) return void client.end();
      settled = true;
      clearTimeout(overall);
      log('info', `connected to ${target.host}:${target.port}`);
      // Small request/response packets: without this each run waits on delayed ACKs.
      client.setNoDelay(true);
      resolve({ client, jump });
    });
    client.on('error', (err: Ssh2Error) => {
      // ssh2 reports a failed agent or key signature and then goes on with the next method.
      if (err.level === 'agent' || (err.level === 'client-authentication' && !/All configured/.test(err.message))) {
        log('debug', `login method skipped: ${err.message}`);
        return;
      }
      if (settled) return;
      fail(verdictError ?? mapConnectError(err, target, o.username, tried, readyTimeoutMs));
    });
    client.once('close', () => fail(verdictError ?? new ConnectionLostError(target, 'the router closed the connection during login')));
    try {
      client.connect({
        host: target.host,
        port: target.port,
        username: o.username,
        sock,
        readyTimeout: readyTimeoutMs,
        keepaliveInterval: o.keepaliveIntervalMs ?? DEFAULTS.keepaliveIntervalMs,
        keepaliveCountMax: o.keepaliveCountMax ?? DEFAULTS.keepaliveCountMax,
        algorithms: o.algorithms,
        authHandler: makeAuthHandler(attempts, (m) => {
          tried.push(m);
          log('debug', `trying login method ${m}`);
        }) as never,
        hostVerifier: ((key: Buffer, verify: (ok: boolean) => void) => {
          const keyType = keyTypeOfBlob(key);
          const fp = fingerprintOf(key);
          Promise.resolve()
            .then(() => o.hostKeyTrust.check(target.host, target.port, keyType, fp))
            .then((v) => {
              if (v === 'trusted') {
                log('debug', `host key ${keyType} ${fp} trusted`);
                return verify(true);
              }
              if (v === 'unknown') verdictError = new HostKeyUnknownError(target, keyType, fp);
              else if ('mismatch' in v) verdictError = new HostKeyMismatchError(target, keyType, v.mismatch, fp);
              else verdictError = new HostKeyRevokedError(target, keyType, fp);
              log('warn', `host key ${keyType} ${fp} not accepted: ${verdictError.code}`);
              verify(false);
            })
            .catch((e: unknown) => {
              verdictError = new HostKeyUnknownError(target, keyType, fp);
              log('warn', `host key check failed: ${e instanceof Error ? e.name : 'error'}`);
              verify(false);
            });
        }) as never,
      });
    } catch (err) {
      fail(err instanceof SwitchyardError ? err : new PrivateKeyError('it could not be read'));
    }
  });
}

/** Whether ssh2 would still send on this link (its socket's writable side is open). */
function linkWritable(link: Link): boolean {
  const sock = (link.client as unknown as { _sock?: { writable?: boolean; destroyed?: boolean } })._sock;
  return sock !== undefined && sock.writable === true && sock.destroyed !== true;
}

/**
 * dropbear ends the whole session ("String too long") for a command line over its MAX_CMD_LEN of
 * 9000 bytes (seen on a real dropbear 2022.83 at 9010 bytes); data travels on stdin instead.
 */
export const maxCommandBytes = 8192;

function commandTooLong(command: ShellCommand): CommandTooLongError | undefined {
  const bytes = Buffer.byteLength(command.text, 'utf8');
  return bytes > maxCommandBytes ? new CommandTooLongError(command.program, bytes, maxCommandBytes) : undefined;
}

/** The SSH server's software from its greeting (e.g. `dropbear_2019.78`, `OpenSSH_9.2p1`). */
function serverSoftware(client: ssh2.Client): string | undefined {
  const v = (client as unknown as { _remoteVer?: unknown })._remoteVer;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * ssh2's words for a channel request the server failed or left unanswered when it closed the
 * channel: either way the server never started the command, so opening again is safe.
 */
const refusedBeforeStart = /^Unable to (?:exec|request a pseudo-terminal)$/;
/** A refusal of that kind is tried this many times in all, within the command's deadline. */
const maxRefusedAttempts = 12;
/**
 * Session channels Switchyard keeps open at once on a dropbear server, and of those, commands
 * (run) at once. A real dropbear 2022.83 ends the whole session (`Failed assertion
 * (common-channel.c:705): !channel->sent_close`) when commands turn over concurrently on a busy
 * machine (with 4, and with 2); one command at a time beside the probe streams did not, and no
 * channel was refused then either (ssh-dropbear.test.ts).
 */
export const dropbearMaxChannels = 4;
export const dropbearMaxRuns = 1;

/** dropbear: the SSH server of OpenWrt, RutOS and GL.iNet. */
export const isDropbear = (software: string | undefined): boolean => /dropbear/i.test(software ?? '');

/**
 * Opens an exec channel. OpenSSH frees a closed session a moment after confirming the close, so
 * an open right at the cap can be refused; that refusal is retried until the deadline.
 * dropbear closes a new session channel that has no command yet whenever its loop wakes for
 * another channel (another command's output or exit) between the channel's open and its exec
 * request, one round trip later; ssh2 then reports "Unable to exec" (or "Unable to request a
 * pseudo-terminal"). Seen on a real dropbear 2022.83 as soon as two channels turn over at once
 * (issue 16 item 9). The command never ran, so opening again is safe: it is retried with backoff,
 * and named (with the server's software) when it persists.
 */
function openExec(
  client: ssh2.Client,
  text: string,
  opts: ExecOptions,
  deadlineMs: number,
  isCancelled: () => boolean,
  // Called synchronously on open: exit status and close can arrive in the same packet burst,
  // before any promise continuation would run.
  attach: (ch: ClientChannel) => void,
  refused: (reason: string, attempts: number, server: string | undefined) => Error,
  log: SshLog,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    let delayMs = 20;
    let refusals = 0;
    const attempt = (): void => {
      const answered = (err: Error | undefined, ch: ClientChannel | undefined): void => {
        if (!err) {
          attach(ch!);
          return resolve(ch!);
        }
        const reason = (err as Error & { reason?: number }).reason;
        // OpenSSH answers "no more sessions" with CONNECT_FAILED; others use 1 or 4.
        const busy = reason === 1 || reason === 2 || reason === 4;
        const notStarted = refusedBeforeStart.test(err.message);
        if (notStarted) {
          refusals += 1;
          log('debug', `${serverSoftware(client) ?? 'the SSH server'} refused a new channel before its command started (${err.message}), attempt ${refusals}`);
        }
        const again = busy || (notStarted && refusals < maxRefusedAttempts);
        if (again && !isCancelled() && Date.now() + delayMs < deadlineMs) {
          setTimeout(attempt, delayMs);
          delayMs = Math.min(delayMs * 2, 500);
        } else reject(notStarted ? refused(err.message, refusals, serverSoftware(client)) : err);
      };
      try {
        client.exec(text, opts, answered);
      } catch (err) {
        // ssh2 throws "Not connected" when the socket is already gone; nothing was sent.
        reject(err as Error);
      }
    };
    attempt();
  });
}

interface Operation {
  abort(err: SwitchyardError): void;
}

export class SshConnection {
  readonly #o: SshConnectOptions;
  readonly #target: SshTarget;
  readonly #log: SshLog;
  readonly #slots: Slots;
  /** Commands at once, apart from streams (lowered for dropbear). */
  readonly #runSlots: Slots;
  readonly #listeners = new Set<(e: SshStateChange) => void>();
  readonly #ops = new Set<Operation>();
  #state: SshConnectionState = 'connecting';
  #link: Link | undefined;
  #lastError: SwitchyardError | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #wakeReconnectSleep: (() => void) | undefined;

  private constructor(o: SshConnectOptions) {
    this.#o = o;
    this.#target = { host: o.host, port: o.port ?? DEFAULTS.port };
    this.#log = redactor(allSecrets(o), o.log);
    this.#slots = new Slots(o.maxChannels ?? DEFAULTS.maxChannels);
    this.#runSlots = new Slots(o.maxChannels ?? DEFAULTS.maxChannels);
  }

  /** Connects once; a first failure is thrown as is (no retries: the user is waiting to see it). */
  static async connect(o: SshConnectOptions): Promise<SshConnection> {
    const c = new SshConnection(o);
    c.#adopt(await openLink(o, c.#log));
    c.#setState('ready', {});
    return c;
  }

  get state(): SshConnectionState {
    return this.#state;
  }
  get target(): SshTarget {
    return this.#target;
  }
  /** Session channels open right now, and the most ever open at once. */
  get openChannels(): number {
    return this.#slots.used;
  }
  get peakChannels(): number {
    return this.#slots.peak;
  }

  onDidChangeState(listener: (e: SshStateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #setState(state: SshConnectionState, extra: Omit<SshStateChange, 'state' | 'previous'>): void {
    const previous = this.#state;
    this.#state = state;
    this.#log('info', `${this.#target.host}:${this.#target.port} ${previous} -> ${state}`);
    for (const l of [...this.#listeners]) {
      try {
        l({ state, previous, ...extra });
      } catch {
        // a listener's bug must not break the transport
      }
    }
  }

  #adopt(link: Link): void {
    this.#link = link;
    if (isDropbear(serverSoftware(link.client))) {
      this.#slots.limit(dropbearMaxChannels);
      this.#runSlots.limit(dropbearMaxRuns);
    }
    const onDrop = (): void => {
      if (this.#link !== link) return;
      this.#link = undefined;
      endLink(link);
      const err = new ConnectionLostError(this.#target, 'the link dropped or the router stopped answering');
      for (const op of [...this.#ops]) op.abort(err);
      if (this.#state === 'closed') return;
      this.#log('warn', `${this.#target.host}:${this.#target.port} connection lost`);
      void this.#reconnect(err);
    };
    // The first sign wins: 'end' (the router closed its side) and a socket or keepalive error come
    // before 'close', and in between ssh2 refuses every request with "Not connected".
    link.client.on('close', onDrop);
    link.client.on('end', onDrop);
    link.client.on('error', (err: Ssh2Error) => {
      this.#log('debug', `connection error: ${err.level ?? ''} ${err.message}`);
      if (err.level === 'client-socket' || err.level === 'client-timeout' || err.level === 'protocol') onDrop();
    });
    if (link.jump) {
      link.jump.client.on('close', onDrop);
      link.jump.client.on('end', onDrop);
    }
    this.#dropLink = (dead) => {
      if (dead === link) onDrop();
    };
  }

  /** Drops a link found dead before its events arrived (set by #adopt for the current link). */
  #dropLink: (link: Link) => void = () => {};

  // A method, not a field read: TypeScript would otherwise keep a narrowing across awaits.
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  async #reconnect(cause: SwitchyardError): Promise<void> {
    const policy = this.#o.reconnect;
    if (policy === false) {
      this.#lastError = cause;
      this.#setState('failed', { error: cause });
      return;
    }
    const base = policy?.baseDelayMs ?? DEFAULTS.baseDelayMs;
    const max = policy?.maxDelayMs ?? DEFAULTS.maxDelayMs;
    const maxAttempts = policy?.maxAttempts ?? DEFAULTS.maxAttempts;
    let last: SwitchyardError = cause;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const delayMs = backoffDelayMs(attempt, base, max);
      this.#setState('reconnecting', { attempt, nextRetryInMs: delayMs, error: last });
      await new Promise<void>((r) => {
        this.#wakeReconnectSleep = r;
        this.#reconnectTimer = setTimeout(r, delayMs);
      });
      if (this.#isClosed()) return;
      try {
        const link = await openLink(this.#o, this.#log);
        if (this.#isClosed()) return void endLink(link);
        this.#adopt(link);
        this.#lastError = undefined;
        this.#setState('ready', {});
        return;
      } catch (err) {
        last = err instanceof SwitchyardError ? err : new ConnectionLostError(this.#target, String(err));
        // Retrying cannot fix a refused login or a changed host key; it would only lock the account.
        if (['auth-failed', 'host-key-mismatch', 'host-key-unknown'].includes(last.code)) break;
      }
    }
    if (this.#isClosed()) return;
    this.#lastError = last;
    this.#setState('failed', { error: last });
  }

  /** The live link, waiting through a reconnect until the deadline. */
  async #linkBy(deadlineMs: number, what: string, timeoutMs: number): Promise<Link> {
    for (;;) {
      if (this.#link && this.#state === 'ready') {
        if (linkWritable(this.#link)) return this.#link;
        this.#dropLink(this.#link);
        continue;
      }
      if (this.#state === 'closed') throw new ConnectionLostError(this.#target, 'the connection was closed');
      if (this.#state === 'failed') throw this.#lastError ?? new ConnectionLostError(this.#target, 'reconnecting gave up');
      const left = deadlineMs - Date.now();
      if (left <= 0) throw new TimeoutError(what, timeoutMs, 'The router was not reachable meanwhile.');
      await new Promise<void>((r) => {
        const t = setTimeout(done, left);
        const off = this.onDidChangeState(done);
        function done(): void {
          clearTimeout(t);
          off();
          r();
        }
      });
    }
  }

  /** Runs one command to completion. Throws CommandError for an exit code not in expectExit. */
  run(cmd: Command, options: RunOptions = {}): Promise<RunResult> {
    let command: ShellCommand;
    try {
      command = toCommand(cmd);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const tooLong = commandTooLong(command);
    if (tooLong) return Promise.reject(tooLong);
    const timeoutMs = options.timeoutMs ?? DEFAULTS.runTimeoutMs;
    const maxOutputBytes = options.maxOutputBytes ?? DEFAULTS.maxOutputBytes;
    const expectExit = options.expectExit ?? [0];
    const deadlineMs = Date.now() + timeoutMs;
    const what = `The router command "${command.program}"`;

    return new Promise<RunResult>((resolve, reject) => {
      let settled = false;
      let channel: ClientChannel | undefined;
      let release: (() => void) | undefined;
      // While an open is in flight its callback owns the slot, so the cap holds even on timeout.
      let opening = false;
      const finish = (err: SwitchyardError | undefined, result?: RunResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#ops.delete(op);
        if (err && channel) this.#killChannel(channel, release);
        else if (!channel && !opening) release?.();
        if (err) reject(err);
        else resolve(result!);
      };
      const op: Operation = { abort: (err) => finish(err) };
      this.#ops.add(op);
      const timer = setTimeout(() => finish(new TimeoutError(what, timeoutMs, 'It was stopped on the router.')), timeoutMs);

      void (async () => {
        const link = await this.#linkBy(deadlineMs, what, timeoutMs);
        const busy = (): TimeoutError => new TimeoutError(what, timeoutMs, 'All channels to the router stayed busy.');
        const runRel = await this.#runSlots.acquire(deadlineMs, busy);
        if (settled) return runRel();
        const chanRel = await this.#slots.acquire(deadlineMs, busy).catch((e: unknown) => {
          runRel();
          throw e;
        });
        const rel = (): void => {
          chanRel();
          runRel();
        };
        if (settled) return rel();
        release = rel;
        this.#log('debug', `run ${command.program}`);
        opening = true;
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let total = 0;
        let exitCode: number | null = null;
        let signal: string | undefined;
        const attach = (ch: ClientChannel): void => {
          opening = false;
          channel = ch;
          ch.once('close', () => rel());
          if (settled) return this.#killChannel(ch, rel);
          const take = (into: Buffer[]) => (d: Buffer) => {
            total += d.length;
            if (total > maxOutputBytes) return finish(new OutputTooLargeError(command.program, maxOutputBytes));
            into.push(d);
          };
          ch.on('data', take(out));
          ch.stderr.on('data', take(errOut));
          ch.on('exit', (code: number | null, sig?: string) => {
            exitCode = code ?? null;
            signal = sig ?? undefined;
          });
          ch.once('close', () => {
            const stdoutBytes = Buffer.concat(out);
            const stderr = Buffer.concat(errOut).toString('utf8');
            const ok = expectExit === 'any' || (exitCode !== null && expectExit.includes(exitCode));
            if (!ok) return finish(new CommandError(command.program, exitCode, signal, stderr));
            finish(undefined, { stdout: stdoutBytes.toString('utf8'), stderr, exitCode, signal, stdoutBytes });
          });
        };
        let ch: ClientChannel;
        try {
          ch = await openExec(link.client, command.text, {}, deadlineMs, () => settled, attach, (reason, attempts, server) => new ChannelRefusedError(this.#target, command.program, { reason, attempts, server }), this.#log);
        } catch (err) {
          opening = false;
          rel();
          if (err instanceof SwitchyardError) return finish(err);
          // ssh2 throws "Not connected" before sending anything when its socket is gone: the link
          // is dead though its close has not arrived. Nothing ran, so the command waits for the
          // reconnect and goes again, within its own deadline.
          if (/^Not connected$/.test((err as Error).message) && !settled) {
            this.#dropLink(link);
            return void this.#rerun(command, options, deadlineMs).then(
              (result) => finish(undefined, result),
              (e: unknown) => finish(e instanceof SwitchyardError ? e : new ConnectionLostError(this.#target, String(e))),
            );
          }
          return finish(new ConnectionLostError(this.#target, `the router refused to open a channel: ${(err as Error).message}`));
        }
        if (settled) return;
        // Closing stdin right away keeps a command that reads it from waiting forever.
        if (options.stdin !== undefined) ch.end(options.stdin);
        else ch.end();
      })().catch((err: unknown) => finish(err instanceof SwitchyardError ? err : new ConnectionLostError(this.#target, String(err))));
    });
  }

  /** The same command again with what is left of its time (after a link found dead before sending). */
  #rerun(command: ShellCommand, options: RunOptions, deadlineMs: number): Promise<RunResult> {
    const left = deadlineMs - Date.now();
    if (left <= 0) return Promise.reject(new TimeoutError(`The router command "${command.program}"`, options.timeoutMs ?? DEFAULTS.runTimeoutMs, 'The router was not reachable meanwhile.'));
    return this.run(command, { ...options, timeoutMs: left });
  }

  /**
   * Starts a long-running command (a probe) on a pty, so that closing the channel hangs up the
   * remote process even on servers that ignore signal requests. Lines arrive clean (no \r, no ANSI).
   */
  async stream(cmd: Command, options: StreamOptions): Promise<StreamHandle> {
    const command = toCommand(cmd);
    const tooLong = commandTooLong(command);
    if (tooLong) throw tooLong;
    const timeoutMs = options.openTimeoutMs ?? this.#o.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs;
    const deadlineMs = Date.now() + timeoutMs;
    const what = `Starting "${command.program}" on the router`;
    const link = await this.#linkBy(deadlineMs, what, timeoutMs);
    const release = await this.#slots.acquire(deadlineMs, () => new TimeoutError(what, timeoutMs, 'All channels to the router stayed busy.'));
    let reason: StreamExit['reason'] = 'exited';
    let exitCode: number | null = null;
    let signal: string | undefined;
    let resolveDone!: (e: StreamExit) => void;
    const done = new Promise<StreamExit>((r) => (resolveDone = r));
    let ended = false;
    // The stream counts as open once the remote shell has printed the marker (see streamReadyMarker).
    let ready = false;
    let markReady!: () => void;
    const readyToStop = new Promise<void>((r) => (markReady = r));
    const splitter = new LineSplitter((line) => {
      if (ended) return;
      if (!ready) {
        if (line.trim() === streamReadyMarker) {
          ready = true;
          markReady();
        }
        return;
      }
      try {
        options.onLine(line);
      } catch (e) {
        this.#log('warn', `stream line handler threw: ${e instanceof Error ? e.name : 'error'}`);
      }
    });
    const end = (): void => {
      if (ended) return;
      splitter.end();
      ended = true;
      markReady();
      this.#ops.delete(op);
      release();
      const exit: StreamExit = { reason, exitCode, signal };
      try {
        options.onExit?.(exit);
      } finally {
        resolveDone(exit);
      }
    };
    const op: Operation = {
      abort: () => {
        reason = 'connection-lost';
        end();
      },
    };
    const attach = (ch: ClientChannel): void => {
      this.#ops.add(op);
      ch.on('data', (d: Buffer) => splitter.push(d));
      ch.stderr.on('data', (d: Buffer) => splitter.push(d));
      ch.on('exit', (code: number | null, sig?: string) => {
        exitCode = code ?? null;
        signal = sig ?? undefined;
      });
      ch.once('close', end);
    };
    let ch: ClientChannel;
    try {
      ch = await openExec(
        link.client,
        `echo ${streamReadyMarker}; ${command.text}`,
        // A pty: closing the channel hangs up the process; 'dumb' discourages colour codes.
        { pty: { term: 'dumb', cols: 1000, rows: 24, width: 0, height: 0 } },
        deadlineMs,
        () => false,
        attach,
        (reason, attempts, server) => new ChannelRefusedError(this.#target, command.program, { reason, attempts, server }),
        this.#log,
      );
    } catch (err) {
      release();
      if (err instanceof SwitchyardError) throw err;
      throw new ConnectionLostError(this.#target, `the router refused to open a channel: ${(err as Error).message}`);
    }
    this.#log('debug', `stream ${command.program}`);
    const stop = (): Promise<StreamExit> => {
      if (!ended) {
        reason = 'stopped';
        // The whole remote process group goes; the pty hangup covers servers that ignore signals.
        sendSignal(ch, 'KILL');
        ch.close();
        const t = setTimeout(end, DEFAULTS.closeGraceMs);
        void done.then(() => clearTimeout(t));
      }
      return done;
    };
    const openedInTime = await Promise.race([
      readyToStop.then(() => true),
      new Promise<false>((r) => {
        const t = setTimeout(() => r(false), Math.max(0, deadlineMs - Date.now()));
        void readyToStop.then(() => clearTimeout(t));
      }),
    ]);
    if (!openedInTime) {
      await stop();
      throw new TimeoutError(what, timeoutMs, 'The router accepted the command but its shell did not start in time.');
    }
    return { done, stop };
  }

  /** Stops a command on the router: kill its process group, close the channel, free the slot. */
  #killChannel(ch: ClientChannel, release: (() => void) | undefined): void {
    sendSignal(ch, 'KILL');
    ch.close();
    // A router that never confirms the close must not hold a slot forever.
    const t = setTimeout(() => release?.(), DEFAULTS.closeGraceMs);
    ch.once('close', () => {
      clearTimeout(t);
      release?.();
    });
  }

  /** Ends every command and stream, stops reconnecting, and closes the connection. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#setState('closed', {});
    clearTimeout(this.#reconnectTimer);
    this.#wakeReconnectSleep?.();
    const err = new ConnectionLostError(this.#target, 'Switchyard closed the connection');
    for (const op of [...this.#ops]) op.abort(err);
    const link = this.#link;
    this.#link = undefined;
    if (!link) return;
    await new Promise<void>((r) => {
      const t = setTimeout(() => {
        (link.client as unknown as { _sock?: { destroy?: () => void } })._sock?.destroy?.();
        r();
      }, DEFAULTS.closeGraceMs);
      link.client.once('close', () => {
        clearTimeout(t);
        r();
      });
      endLink(link);
    });
  }
}

export function connectSsh(options: SshConnectOptions): Promise<SshConnection> {
  return SshConnection.connect(options);
}
