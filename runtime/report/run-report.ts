// What a run did, table by table, so that every row read is accounted for:
//   read + retried = used + filtered + rejected + orphaned + parked
// used: part of a written item (for lookup-only tables: indexed for lookups);
// filtered: left out by the mapping (a `where`, `keep`, `limit` or `require`, here or on an ancestor);
// rejected: unusable (bad value, broken record, duplicate key), each in the rejects file;
// orphaned: its parent row is not in the extract, or was rejected (a corrected parent may come later);
// in an incremental run (items merged into DynamoDB) such rows are parked instead:
// parked: kept in the control table and retried by every later run until the parent arrives;
// retried: rows parked by earlier runs and read again in this one (not part of `read`).
// A table declared `optional` that the extract has no file of is `absent`: it reads no rows.
import { summarizeDynamoDb, type DynamoDbRequests } from './dynamodb-requests.js';

export interface TableCounts {
  read: number;
  used: number;
  filtered: number;
  rejected: number;
  orphaned: number;
  retried: number;
  parked: number;
}

export interface TableReport extends TableCounts {
  /** The archive entries its rows were read from. */
  files: string[];
  /** Only on a table declared `optional` that the archive has no file of. */
  absent?: true;
}

export interface RunReport {
  mapping: string;
  planHash: string;
  extract: string;
  asOf: string;
  startedAt: string;
  seconds: number;
  tables: Record<string, TableReport>;
  /** deleted: items written by an earlier run that `require` now leaves out (incremental runs). */
  /** sent: in a failed run (whose `written` is 0), the items that went to the sink before it failed. */
  items: Record<string, { built: number; written: number; filtered: number; deleted?: number; sent?: number }>;
  rejects: number;
  /** True when every table's counts add up. */
  reconciled: boolean;
  /** `skipped`: an incremental run found the extract applied already (and no --force). */
  status: 'ok' | 'failed' | 'skipped';
  /** Merged into stored items (orphans parked) rather than written as a preview. */
  incremental?: boolean;
  /** A shard's run: "i/N" (its items are those whose root key is shard i's of N). */
  shard?: string;
  error?: string;
  /** A run into DynamoDB: the requests it sent, by operation and table role (dynamodb-requests.ts). */
  dynamodb?: DynamoDbRequests;
}

export function emptyCounts(): TableCounts {
  return { read: 0, used: 0, filtered: 0, rejected: 0, orphaned: 0, retried: 0, parked: 0 };
}

export function reconciles(c: TableCounts): boolean {
  return c.read + c.retried === c.used + c.filtered + c.rejected + c.orphaned + c.parked;
}

export function summarize(report: RunReport): string {
  const names = Object.keys(report.tables);
  const width = Math.max(5, ...names.map((n) => n.length));
  const cell = (n: number) => String(n).padStart(10);
  const columns: Array<keyof TableCounts> = report.incremental
    ? ['read', 'retried', 'used', 'filtered', 'rejected', 'parked']
    : ['read', 'used', 'filtered', 'rejected', 'orphaned'];
  const status = report.status === 'ok' ? 'run finished' : report.status === 'skipped' ? 'run skipped' : 'run FAILED';
  const lines = [
    `${status}: ${report.mapping} on ${report.extract}${report.shard ? `, shard ${report.shard}` : ''} (as_of ${report.asOf}) in ${report.seconds.toFixed(1)} s`,
    `${'table'.padEnd(width)} ${columns.map((h) => h.padStart(10)).join('')}`,
  ];
  for (const name of names) {
    const c = report.tables[name];
    const notes = [
      ...(c.absent ? ['absent: no file in the extract'] : []),
      ...(reconciles(c) ? [] : ['DOES NOT ADD UP']),
    ];
    lines.push(
      `${name.padEnd(width)} ${columns.map((column) => cell(c[column])).join('')}${notes.map((note) => `   ${note}`).join('')}`,
    );
  }
  for (const [item, c] of Object.entries(report.items)) {
    const written =
      c.sent === undefined ? `${c.written} written` : `none confirmed written (${c.sent} sent before the run failed)`;
    lines.push(
      `items ${item}: ${written}${c.filtered > 0 ? `, ${c.filtered} left out by require` : ''}${c.deleted ? `, ${c.deleted} deleted` : ''}`,
    );
  }
  if (report.rejects > 0) lines.push(`${report.rejects} rejected rows: see the rejects file`);
  if (report.dynamodb) lines.push(summarizeDynamoDb(report.dynamodb));
  if (report.error) lines.push(`${report.status === 'skipped' ? 'skipped' : 'error'}: ${report.error}`);
  return `${lines.join('\n')}\n`;
}
