/**
 * A unified diff of two texts by lines (LCS; locks are at most thousands of lines), with three
 * lines of context, as `diff -u` prints it. `check` shows it when a lock is stale.
 */
export function unifiedDiff(before: string, after: string, beforeName: string, afterName: string, context = 3): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = lineOps(a, b);
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === 'same') {
      i++;
      continue;
    }
    // A hunk: back up `context` lines, run until `2*context` unchanged lines in a row.
    let start = i;
    while (start > 0 && i - start < context && ops[start - 1]?.kind === 'same') start--;
    let end = i;
    let sameRun = 0;
    while (end < ops.length && sameRun <= 2 * context) {
      sameRun = ops[end]?.kind === 'same' ? sameRun + 1 : 0;
      end++;
    }
    end -= Math.max(0, sameRun - context);
    const slice = ops.slice(start, end);
    const first = slice[0];
    const aStart = first ? first.a : 0;
    const bStart = first ? first.b : 0;
    const aCount = slice.filter((op) => op.kind !== 'add').length;
    const bCount = slice.filter((op) => op.kind !== 'del').length;
    hunks.push(`@@ -${aStart + (aCount > 0 ? 1 : 0)},${aCount} +${bStart + (bCount > 0 ? 1 : 0)},${bCount} @@`);
    for (const op of slice) hunks.push(`${op.kind === 'same' ? ' ' : op.kind === 'del' ? '-' : '+'}${op.line}`);
    i = end;
  }
  if (hunks.length === 0) return '';
  return [`--- ${beforeName}`, `+++ ${afterName}`, ...hunks].join('\n') + '\n';
}

interface Op {
  kind: 'same' | 'del' | 'add';
  line: string;
  /** Index in `a` (for same/del) or of the next `a` line (for add). */
  a: number;
  b: number;
}

function lineOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i:] and b[j:], in one flat array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: 'same', line: a[i] ?? '', a: i, b: j });
      i++;
      j++;
    } else if (i < n && (j === m || (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))) {
      ops.push({ kind: 'del', line: a[i] ?? '', a: i, b: j });
      i++;
    } else {
      ops.push({ kind: 'add', line: b[j] ?? '', a: i, b: j });
      j++;
    }
  }
  return ops;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
