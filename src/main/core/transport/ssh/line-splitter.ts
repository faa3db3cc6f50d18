// Turns a byte stream from a router (often a pty: \r\n endings, colour codes, lines split across
// chunks, multi-byte characters split across chunks) into clean text lines.
import { StringDecoder } from 'node:string_decoder';

// CSI sequences (colours, cursor moves), OSC titles, and lone two-byte escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  readonly #onLine: (line: string) => void;
  readonly #maxLineChars: number;
  #pending = '';

  /** A router that never sends a newline must not grow memory without bound: long lines are cut. */
  constructor(onLine: (line: string) => void, maxLineChars = 64 * 1024) {
    this.#onLine = onLine;
    this.#maxLineChars = maxLineChars;
  }

  push(chunk: Buffer | string): void {
    this.#pending += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    let nl: number;
    while ((nl = this.#pending.indexOf('\n')) !== -1) {
      this.#emit(this.#pending.slice(0, nl));
      this.#pending = this.#pending.slice(nl + 1);
    }
    while (this.#pending.length > this.#maxLineChars) {
      this.#emit(this.#pending.slice(0, this.#maxLineChars));
      this.#pending = this.#pending.slice(this.#maxLineChars);
    }
  }

  /** Emits a last line that had no newline. */
  end(): void {
    this.#pending += this.#decoder.end();
    if (this.#pending !== '') this.#emit(this.#pending);
    this.#pending = '';
  }

  #emit(raw: string): void {
    // A bare \r inside a line is a pty redraw (progress output): keep what was drawn last.
    const cleaned = stripAnsi(raw).replace(/\r+$/, '');
    const cr = cleaned.lastIndexOf('\r');
    this.#onLine(cr === -1 ? cleaned : cleaned.slice(cr + 1));
  }
}
