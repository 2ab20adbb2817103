// Tiny extracts of the sample warehouse written by hand, for incremental-run cases the
// generator does not make (orphans, re-delivered rows, old products). Each table is given as
// CSV lines without the header; every table's file is present (empty when not given) unless
// it is left out, as a delta extract leaves out the tables it has no new rows of.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipBytes } from '../fixtures/zip-bytes.js';

export interface HandmadeTables {
  customers?: string[];
  orders?: string[];
  order_lines?: string[];
  payments?: string[];
  products?: string[];
  warehouses?: string[];
  stock_moves?: string[];
}

const HEADERS = {
  customers: 'customer_id,name,email,segment,created_at,country_code',
  orders: 'order_id,customer_id,order_date,status,channel',
  order_lines: 'order_id,line_no,sku,qty,unit_price',
  payments: 'payment_id,order_id,paid_at,method,amount',
  warehouses: 'warehouse_id,city',
  stock_moves: 'move_id,warehouse_id,sku,moved_at,qty',
};

export interface HandmadeOptions {
  /** Tables whose file the archive leaves out (a broken extract, or a delta without rows of an optional table). */
  omit?: Array<keyof HandmadeTables>;
  /** Where to write it (the same path again: the extract delivered again); else a new file. */
  path?: string;
  /** Members of _manifest.json besides extractedAt (record counts, say). */
  manifest?: Record<string, unknown>;
}

let made = 0;

export async function handmadeExtract(
  extractedAt: string,
  tables: HandmadeTables,
  options: HandmadeOptions = {},
): Promise<string> {
  const files: Record<string, string> = {};
  for (const [table, header] of Object.entries(HEADERS)) {
    files[`${table}.csv`] = [header, ...(tables[table as keyof typeof HEADERS] ?? [])].join('\n') + '\n';
  }
  // products.txt: "|"-delimited, no header, a trailing "|".
  files['products.txt'] = (tables.products ?? []).map((line) => `${line}|\n`).join('');
  for (const table of options.omit ?? []) delete files[table === 'products' ? 'products.txt' : `${table}.csv`];
  files['_manifest.json'] = JSON.stringify({ extractedAt, ...options.manifest });
  const out = options.path ?? join(mkdtempSync(join(tmpdir(), 'mapc-handmade-')), `extract${++made}.zip`);
  writeFileSync(out, await zipBytes(files));
  return out;
}
