/*
 * Writes a deterministic sample extract of the warehouse in examples/warehouse.map.
 *
 *   node --import tsx examples/generate-extract.ts --customers 1000 --out base.zip
 *   node --import tsx examples/generate-extract.ts --customers 1000 --delta 1 --out delta1.zip
 *
 * The same flags always write the same bytes. A delta is defined by the base's flags plus
 * its number, so it never needs the base file: pass the base's --customers and --seed.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeExtract } from './extract-generator/write-extract.js';

const USAGE = `usage: generate-extract --customers N --out FILE [options]

  --customers N         customers in the base extract (about 5 orders, 20 order lines
                        and 5 payments each)
  --out FILE            the ZIP to write (replaced if it exists)
  --seed S              randomness seed, a whole number (default 1)
  --delta K             write the K-th delta after the base instead of the base: only rows
                        created after extract K-1 (new customers and their orders, new
                        orders of old customers, new lines and payments on orders of the
                        previous extract, new products). Use the base's --customers/--seed.
  --delta-customers M   new customers per delta (default: customers / 20, at least 1)
  --extracted-at T      the base extract's timestamp, ISO 8601 (default 2026-11-01T02:00:00Z;
                        delta K is 6K hours later, rows date from the year before it). Items
                        loaded into DynamoDB expire by their TTL: pick a date that keeps them.
  --omit-empty          leave out the files of tables with no rows (as deltas often do)
  --only-tables T,U     write only these tables' files (their rows may name parents left out)
  --rows-per-part R     at most R rows per part file of orders, order_lines, payments
                        (default 500000; those tables always have at least two parts)
`;

function wholeNumber(flag: string, text: string | undefined, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  if (text === undefined || !/^\d+$/.test(text))
    throw new UsageError(`--${flag} needs a whole number, got ${text ?? 'nothing'}`);
  return Number(text);
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      delta: { type: 'string' },
      'delta-customers': { type: 'string' },
      'extracted-at': { type: 'string' },
      'rows-per-part': { type: 'string' },
      'omit-empty': { type: 'boolean' },
      'only-tables': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.out === undefined) throw new UsageError('--out is required');
  const customers = wholeNumber('customers', values.customers);
  if (customers < 1) throw new UsageError('--customers must be at least 1');
  const started = performance.now();
  const summary = await writeExtract({
    customers,
    out: values.out,
    seed: wholeNumber('seed', values.seed, 1),
    sequence: wholeNumber('delta', values.delta, 0),
    deltaCustomers: wholeNumber('delta-customers', values['delta-customers'], Math.max(1, Math.ceil(customers / 20))),
    rowsPerPart: Math.max(1, wholeNumber('rows-per-part', values['rows-per-part'], 500_000)),
    omitEmptyTables: values['omit-empty'] ?? false,
    ...(values['extracted-at'] ? { extractedAt: values['extracted-at'] } : {}),
    ...(values['only-tables'] ? { onlyTables: values['only-tables'].split(',').map((t) => t.trim()) } : {}),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const bytes = (await stat(summary.out)).size;
  const rows = Object.entries(summary.rows)
    .map(([table, count]) => `${table} ${count}`)
    .join(', ');
  process.stdout.write(
    `${summary.out}: extract at ${summary.extractedAt}, ${summary.entries.length} entries, ${bytes} bytes, ${seconds} s\n  rows: ${rows}\n`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`generate-extract: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`generate-extract: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
});
