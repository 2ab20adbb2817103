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

/**
 * The base extract's timestamp: far ahead, so that the items the job loads into DynamoDB
 * Local are not deleted by their TTL (expires_at: 9 months after the last order) whatever
 * the date the tests run on. Delta k is 6k hours later.
 */
export const JOB_EXTRACTED_AT = '2100-11-01T02:00:00Z';

/** Between the base (02:00) and delta 1 (08:00) of JOB_EXTRACTED_AT's day, as an extract's name can say. */
export const BETWEEN_BASE_AND_DELTA1 = '2100-11-01T05:00:00Z';

export async function jobExtracts(customers = 120, seed = 11): Promise<JobExtracts> {
  const dir = mkdtempSync(join(tmpdir(), 'mapc-job-extracts-'));
  const size = {
    customers,
    seed,
    deltaCustomers: Math.max(1, Math.ceil(customers / 20)),
    extractedAt: JOB_EXTRACTED_AT,
  };
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
    base,
    delta1,
    delta2,
    delta3,
    combined: await combinedExtract([base, delta1, delta2]),
    combinedWithDelta3: await combinedExtract([base, delta1, delta2, delta3]),
  };
}
