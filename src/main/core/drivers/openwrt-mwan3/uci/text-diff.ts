// A unified diff of two small texts (config files of a few hundred lines), so the plan shows the
// exact lines that change in the router's own file, as `diff -u` would.

type Line = { readonly kind: ' ' | '-' | '+'; readonly text: string; readonly a: number; readonly b: number };

/** Line-level edit script by longest common subsequence (O(n·m): fine for config files). */
function editScript(a: readonly string[], b: readonly string[]): Line[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) out.push({ kind: ' ', text: a[i]!, a: i++, b: j++ });
    // Deletions first where either order is as short, as diff -u prints them.
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push({ kind: '-', text: a[i]!, a: i++, b: j });
    else out.push({ kind: '+', text: b[j]!, a: i, b: j++ });
  }
  return out;
}

const splitLines = (t: string): string[] => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));

/** `diff -u` style output with `context` lines around each change; '' when the texts are equal. */
export function unifiedDiff(path: string, before: string, after: string, context = 2): string {
  if (before === after) return '';
  const script = editScript(splitLines(before), splitLines(after));
  const changed = script.map((l, k) => (l.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  const hunks: [number, number][] = [];
  for (const k of changed) {
    const lo = Math.max(0, k - context);
    const hi = Math.min(script.length - 1, k + context);
    const last = hunks[hunks.length - 1];
    if (last && lo <= last[1] + 1) last[1] = hi;
    else hunks.push([lo, hi]);
  }
  const out = [`--- ${path}`, `+++ ${path} (after)`];
  for (const [lo, hi] of hunks) {
    const part = script.slice(lo, hi + 1);
    const aLen = part.filter((l) => l.kind !== '+').length;
    const bLen = part.filter((l) => l.kind !== '-').length;
    out.push(`@@ -${part[0]!.a + 1},${aLen} +${part[0]!.b + 1},${bLen} @@`);
    for (const l of part) out.push(`${l.kind}${l.text}`);
  }
  // A trailing-newline-only difference would otherwise show no lines.
  if (hunks.length === 0) out.push('\\ the files differ only in the final newline');
  return out.join('\n');
}
