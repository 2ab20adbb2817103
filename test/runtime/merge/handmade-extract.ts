// Tiny extracts of the sample warehouse written by hand, for incremental-run cases the
// generator does not make (orphans, re-delivered rows, old products). Each table is given as
// CSV lines without the header; files a mapping needs are present (empty when not given).
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

let made = 0;

/** `manifest`: members of _manifest.json besides extractedAt (record counts, say). */
export async function handmadeExtract(extractedAt: string, tables: HandmadeTables, manifest: Record<string, unknown> = {}): Promise<string> {
  const files: Record<string, string> = {};
  for (const [table, header] of Object.entries(HEADERS)) {
    files[`${table}.csv`] = [header, ...(tables[table as keyof typeof HEADERS] ?? [])].join('\n') + '\n';
  }
  // products.txt: "|"-delimited, no header, a trailing "|".
  files['products.txt'] = (tables.products ?? []).map((line) => `${line}|\n`).join('');
  files['_manifest.json'] = JSON.stringify({ extractedAt, ...manifest });
  const out = join(mkdtempSync(join(tmpdir(), 'mapc-handmade-')), `extract${++made}.zip`);
  writeFileSync(out, await zipBytes(files));
  return out;
}
