// What a run did, table by table, so that every row read is accounted for:
//   read = used + filtered + rejected + orphaned
// used: part of a written item (for lookup-only tables: indexed for lookups);
// filtered: left out by the mapping (a `where`, `keep`, `limit` or `require`, here or on an ancestor);
// rejected: unusable (bad value, broken record, duplicate key), each in the rejects file;
// orphaned: its parent row is not in the extract, or was rejected (a corrected parent may come later).

export interface TableCounts {
  read: number;
  used: number;
  filtered: number;
  rejected: number;
  orphaned: number;
}

export interface RunReport {
  mapping: string;
  planHash: string;
  extract: string;
  asOf: string;
  startedAt: string;
  seconds: number;
  tables: Record<string, TableCounts & { files: string[] }>;
  items: Record<string, { built: number; written: number; filtered: number }>;
  rejects: number;
  /** True when every table's counts add up. */
  reconciled: boolean;
  status: 'ok' | 'failed';
  error?: string;
}

export function emptyCounts(): TableCounts {
  return { read: 0, used: 0, filtered: 0, rejected: 0, orphaned: 0 };
}

export function reconciles(c: TableCounts): boolean {
  return c.read === c.used + c.filtered + c.rejected + c.orphaned;
}

export function summarize(report: RunReport): string {
  const names = Object.keys(report.tables);
  const width = Math.max(5, ...names.map((n) => n.length));
  const cell = (n: number) => String(n).padStart(10);
  const lines = [
    `${report.status === 'ok' ? 'run finished' : 'run FAILED'}: ${report.mapping} on ${report.extract} (as_of ${report.asOf}) in ${report.seconds.toFixed(1)} s`,
    `${'table'.padEnd(width)} ${['read', 'used', 'filtered', 'rejected', 'orphaned'].map((h) => h.padStart(10)).join('')}`,
  ];
  for (const name of names) {
    const c = report.tables[name];
    lines.push(`${name.padEnd(width)} ${cell(c.read)}${cell(c.used)}${cell(c.filtered)}${cell(c.rejected)}${cell(c.orphaned)}${reconciles(c) ? '' : '   DOES NOT ADD UP'}`);
  }
  for (const [item, c] of Object.entries(report.items)) {
    lines.push(`items ${item}: ${c.written} written${c.filtered > 0 ? `, ${c.filtered} left out by require` : ''}`);
  }
  if (report.rejects > 0) lines.push(`${report.rejects} rejected rows: see the rejects file`);
  if (report.error) lines.push(`error: ${report.error}`);
  return `${lines.join('\n')}\n`;
}
