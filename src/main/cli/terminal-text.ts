// Names, notes and router output are typed by users or printed by routers: they must never reach
// the terminal raw, or an ESC sequence or a newline in a site name could recolour, move the
// cursor, or forge lines of a listing. Every string of a result is made visible before the
// command's text format sees it; --json output is already safe (JSON escapes control characters).

// C0 and C1 controls, DEL, and the Unicode line separators and bidirectional overrides that can
// reorder or split what is displayed.
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** The text with every control character shown as an escape: ESC → \x1b, newline → \n. */
export function visible(text: string): string {
  return text.replace(unsafe, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** A message printed as several lines (usage, errors): each line made visible, the breaks kept. */
export function visibleLines(text: string): string {
  return text.split('\n').map(visible).join('\n');
}

/**
 * A copy of a result with every string in it made visible; strings under a key of
 * `multilineKeys` (a CSV export) keep their line breaks.
 */
export function visibleDeep<T>(value: T, multilineKeys: ReadonlySet<string> = new Set(), keepLines = false): T {
  if (typeof value === 'string') return (keepLines ? visibleLines(value) : visible(value)) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => visibleDeep(item, multilineKeys)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visibleDeep(item, multilineKeys, multilineKeys.has(key))])) as T;
  }
  return value;
}
