// How Switchyard logs in to a router: password (also answering keyboard-interactive prompts),
// private key with passphrase, ssh-agent / Pageant, or a keyboard-interactive responder.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { ssh2Module } from './ssh2-module.ts';
import type { AuthenticationType, KeyboardInteractiveCallback, Prompt } from 'ssh2';
import { PrivateKeyError } from './ssh-errors.ts';

export interface KeyboardPrompt {
  readonly prompt: string;
  readonly echo: boolean;
}

export type SshAuth =
  | { readonly kind: 'password'; readonly password: string }
  | { readonly kind: 'key'; readonly privateKey: string | Buffer; readonly passphrase?: string }
  /** `socket` defaults to SSH_AUTH_SOCK, or Pageant on Windows. */
  | { readonly kind: 'agent'; readonly socket?: string }
  | {
      readonly kind: 'keyboard-interactive';
      readonly respond: (prompts: readonly KeyboardPrompt[], instructions: string) => Promise<readonly string[]> | readonly string[];
    };

/** The agent a user's own `ssh` would use. */
export function defaultAgentSocket(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (env['SSH_AUTH_SOCK']) return env['SSH_AUTH_SOCK'];
  return platform === 'win32' ? 'pageant' : undefined;
}

/** Reads a private key file, expanding a leading ~ as ssh does. */
export function loadPrivateKey(path: string, home: string = homedir()): Buffer {
  return readFileSync(path.replace(/^~(?=$|[\\/])/, home));
}

/** Values that must never appear in a log line or an error message. */
export function secretsOf(auths: readonly SshAuth[]): string[] {
  return auths.flatMap((a) => {
    switch (a.kind) {
      case 'password':
        return [a.password];
      case 'key':
        return a.passphrase ? [a.passphrase] : [];
      case 'agent':
      case 'keyboard-interactive':
        return [];
    }
  }).filter((s) => s.length >= 3);
}

/** ssh2's method name for each kind, for messages and for matching the server's list. */
export function methodName(auth: SshAuth): AuthenticationType {
  switch (auth.kind) {
    case 'password':
      return 'password';
    case 'key':
      return 'publickey';
    case 'agent':
      return 'agent';
    case 'keyboard-interactive':
      return 'keyboard-interactive';
  }
}

/** One attempt as ssh2's authHandler takes it. */
export type AuthAttempt = Record<string, unknown> & { readonly type: AuthenticationType; readonly username: string };

/**
 * Turns the configured methods into ssh2 attempts, in order. Keys are checked here so that a wrong
 * passphrase is reported as such (ssh2 would silently skip the key).
 */
export function authAttempts(auths: readonly SshAuth[], username: string, agentSocket = defaultAgentSocket()): AuthAttempt[] {
  const attempts: AuthAttempt[] = [];
  for (const auth of auths) {
    switch (auth.kind) {
      case 'password': {
        attempts.push({ type: 'password', username, password: auth.password });
        // Many routers (and PAM setups) offer only keyboard-interactive for passwords.
        attempts.push({
          type: 'keyboard-interactive',
          username,
          prompt: ((_name: string, _instr: string, _lang: string, prompts: Prompt[], finish: KeyboardInteractiveCallback) => {
            // Only hidden prompts get the password: a visible one is not asking for it.
            finish(prompts.map((p) => (p.echo ? '' : auth.password)));
          }) as unknown,
        });
        break;
      }
      case 'key': {
        const parsed = ssh2Module().utils.parseKey(auth.privateKey, auth.passphrase);
        if (parsed instanceof Error) {
          const encrypted = /encrypted|passphrase|bad decrypt/i.test(parsed.message);
          throw new PrivateKeyError(
            encrypted ? (auth.passphrase ? 'the passphrase is wrong' : 'it is encrypted and needs a passphrase') : 'it is not a private key in a known format',
          );
        }
        attempts.push({ type: 'publickey', username, key: auth.privateKey, passphrase: auth.passphrase });
        break;
      }
      case 'agent': {
        const socket = auth.socket ?? agentSocket;
        if (socket) attempts.push({ type: 'agent', username, agent: socket });
        break;
      }
      case 'keyboard-interactive': {
        attempts.push({
          type: 'keyboard-interactive',
          username,
          prompt: ((_name: string, instructions: string, _lang: string, prompts: Prompt[], finish: KeyboardInteractiveCallback) => {
            Promise.resolve(auth.respond(prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true })), instructions)).then(
              (answers) => finish([...answers]),
              () => finish(prompts.map(() => '')),
            );
          }) as unknown,
        });
        break;
      }
    }
  }
  return attempts;
}

/** An ssh2 authHandler that walks the attempts, skipping methods the server does not offer. */
export function makeAuthHandler(attempts: readonly AuthAttempt[], onTry: (method: string) => void) {
  let next = 0;
  return (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, cb: (next: AuthAttempt | false) => void): void => {
    while (next < attempts.length) {
      const a = attempts[next++]!;
      // The server lists 'publickey' for agent keys too.
      const wire = a.type === 'agent' ? 'publickey' : a.type;
      if (methodsLeft && !methodsLeft.includes(wire)) continue;
      onTry(a.type);
      cb(a);
      return;
    }
    cb(false);
  };
}
