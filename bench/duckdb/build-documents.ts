/*
 * The DuckDB side of bench/run-vs-duckdb.ts, run as its own process so that its peak RSS is
 * measured the same way as mapc's:
 *
 *   node --import tsx bench/duckdb/build-documents.ts --dir <unzipped extract> --out <items.ndjson>
 *        [--as-of 2026-11-01T02:00:00Z]
 *
 * Runs customer-documents.sql (the Customer item of mappings/customer.map as one DuckDB
 * query) with DuckDB's default settings (threads = the machine's cores) and prints one JSON
 * line: {"seconds": query time, "documents": rows written, "threads": …, "version": …}.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      out: { type: 'string' },
      'as-of': { type: 'string', default: '2026-11-01T02:00:00Z' },
    },
    strict: true,
  });
  if (values.dir === undefined || values.out === undefined) {
    throw new Error('usage: build-documents --dir <unzipped extract> --out <items.ndjson> [--as-of T]');
  }
  const asOf = new Date(values['as-of'] ?? '');
  if (Number.isNaN(asOf.getTime())) throw new Error(`--as-of is not a timestamp: ${values['as-of']}`);
  // DuckDB's TIMESTAMP has no zone: the run's as_of in UTC, as mapc reads it.
  const asOfLiteral = asOf.toISOString().replace('T', ' ').replace('Z', '');

  const template = await readFile(new URL('./customer-documents.sql', import.meta.url), 'utf8');
  const sql = template
    .replaceAll('{{dir}}', sqlString(values.dir.replace(/\/+$/, '')))
    .replaceAll('{{out}}', sqlString(values.out))
    .replaceAll('{{as_of}}', sqlString(asOfLiteral));

  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const settings = (
    await connection.runAndReadAll("SELECT current_setting('threads') AS threads, version() AS version")
  ).getRowObjectsJson()[0];
  const result = await connection.runAndReadAll(sql);
  const rows = result.getRows();
  const documents = Number(rows[0]?.[0] ?? -1);
  const seconds = (performance.now() - started) / 1000;
  connection.closeSync();
  instance.closeSync();
  process.stdout.write(
    `${JSON.stringify({ seconds, documents, threads: Number(settings.threads), version: settings.version })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`build-documents: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
