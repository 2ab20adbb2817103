// `npm run demo`: the main job end to end on the embedded sample. Generates a sample extract,
// compiles the mappings, runs the customer plan on the extract with `mapc run`, and prints two
// finished items and the run report. Everything it writes goes under out/demo/.
//   node --import tsx examples/demo.ts [--customers 500]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeExtract } from './extract-generator/write-extract.js';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '500' } } });
const out = join('out', 'demo');
mkdirSync(out, { recursive: true });

function mapc(...args: string[]): void {
  console.log(`\n$ mapc ${args.join(' ')}`);
  const result = spawnSync(process.execPath, ['bin/mapc.js', ...args], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`mapc ${args[0]} exited with ${result.status}`);
}

const extract = join(out, 'extract.zip');
console.log(`generating a sample extract of ${values.customers} customers: ${extract}`);
const customers = Number(values.customers);
await writeExtract({ customers, deltaCustomers: Math.max(1, Math.ceil(customers / 20)), out: extract, seed: 1, sequence: 0 });

mapc('compile', 'mappings/customer.map', 'mappings/product.map', '--out-dir', join(out, 'plans'));
mapc('run', join(out, 'plans', 'customer.plan.json'), '--extract', extract, '--out', join(out, 'customers.ndjson'));
mapc('run', join(out, 'plans', 'product.plan.json'), '--extract', extract, '--out', join(out, 'products.ndjson'), '--format', 'dynamodb');

const items = readFileSync(join(out, 'customers.ndjson'), 'utf8').split('\n').filter(Boolean);
console.log(`\ntwo of the ${items.length} customer items (${join(out, 'customers.ndjson')}):`);
// Printed as written (JSON.parse would turn 12.50 into 12.5): numbers keep their exact digits.
for (const line of items.slice(0, 2)) console.log(`${line.length > 1500 ? `${line.slice(0, 1500)} …` : line}\n`);
console.log(`\nproducts in DynamoDB JSON: ${join(out, 'products.ndjson')}; run reports beside each items file.`);
