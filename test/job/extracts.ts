// The extracts job tests deliver: a base and deltas of the sample warehouse that leave out
// what a warehouse's deltas leave out (tables with no new rows; a refresh set of only orders
// and their lines), and one archive combining them all.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExtract } from '../../examples/extract-generator/write-extract.js';
import { combinedExtract } from '../runtime/merge/fixtures.js';

export interface JobExtracts {
  base: string;
  /** Every table with new rows; the others (warehouses) left out. */
  delta1: string;
  /** A refresh set: orders and order lines only. */
  delta2: string;
  /** Every table with new rows. */
  delta3: string;
  /** base, delta1 and delta2 in one archive. */
  combined: string;
  /** base to delta3 in one archive. */
  combinedWithDelta3: string;
}

export async function jobExtracts(customers = 120, seed = 11): Promise<JobExtracts> {
  const dir = mkdtempSync(join(tmpdir(), 'mapc-job-extracts-'));
  const size = { customers, seed, deltaCustomers: Math.max(1, Math.ceil(customers / 20)) };
  const write = async (name: string, sequence: number, extra: { onlyTables?: string[] } = {}) => {
    const out = join(dir, name);
    await writeExtract({ ...size, sequence, out, omitEmptyTables: true, ...extra });
    return out;
  };
  const base = await write('base.zip', 0);
  const delta1 = await write('delta1.zip', 1);
  const delta2 = await write('delta2.zip', 2, { onlyTables: ['orders', 'order_lines'] });
  const delta3 = await write('delta3.zip', 3);
  return {
    base, delta1, delta2, delta3,
    combined: await combinedExtract([base, delta1, delta2]),
    combinedWithDelta3: await combinedExtract([base, delta1, delta2, delta3]),
  };
}
