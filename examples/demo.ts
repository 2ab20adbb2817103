// `npm run demo`: the main job end to end on the embedded sample. Starts DynamoDB Local,
// generates a base extract and the delta after it, compiles mappings/, creates the tables
// (mapc init), loads both extracts with `mapc run` (the delta merges into the base's items),
// prints a few finished items, the run reports and the parked rows, and stops the server.
// Everything it writes on disk goes under out/demo/.
//
//   node --import tsx examples/demo.ts [--customers 500]
//   node --import tsx examples/demo.ts --aws [--region eu-west-1]     real DynamoDB (see README)
//   node --import tsx examples/demo.ts --job                          the unattended job (job-demo.ts)
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listEntries } from '../runtime/archive/central-directory.js';
import { openEntry } from '../runtime/archive/entry-stream.js';
import { LocalFileSource } from '../runtime/archive/local-file-source.js';
import { demoWorld } from './demo-world.js';
import { writeExtract } from './extract-generator/write-extract.js';
import { dynamoDbLocalClientConfig, startDynamoDbLocal } from './local-servers/dynamodb-local.js';
import { printableItem } from './printable-item.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '500' },
    aws: { type: 'boolean', default: false },
    region: { type: 'string' },
    'table-prefix': { type: 'string', default: 'mapc_demo_' },
    job: { type: 'boolean', default: false },
  },
});
if (values.job) {
  await (await import('./job-demo.js')).runJobDemo(Number(values.customers));
  process.exit(0);
}
const out = join('out', 'demo');
mkdirSync(out, { recursive: true });
const customers = Number(values.customers);
const prefix = values['table-prefix'];

const server = values.aws ? null : await startDynamoDbLocal();
const endpointArgs = server ? ['--endpoint', server.endpoint] : values.region ? ['--region', values.region] : [];
// DynamoDB Local takes any credentials; real AWS uses the default chain (environment, profile, role).
// The AWS SDK's Node-version warning is shown once, by this process (its client is made first),
// not again by every mapc command it runs.
const client = new DynamoDBClient(
  server ? dynamoDbLocalClientConfig(server.endpoint) : values.region ? { region: values.region } : {},
);
const quiet = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const env = server
  ? { ...process.env, ...quiet, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' }
  : { ...process.env, ...quiet };
const tableArgs = ['--table', `app_table=${prefix}app_table`, '--control-table', `${prefix}control`];

function mapc(...args: string[]): void {
  console.log(`\n$ mapc ${args.join(' ')}`);
  const result = spawnSync(process.execPath, ['bin/mapc.js', ...args], { stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`mapc ${args[0]} exited with ${result.status}`);
}

try {
  console.log(
    server
      ? `DynamoDB Local is listening on ${server.endpoint}`
      : `using DynamoDB in ${values.region ?? 'the default region'}`,
  );
  const extracts = [join(out, 'base.zip'), join(out, 'delta1.zip')];
  const world = demoWorld(customers);
  for (const [sequence, path] of extracts.entries()) {
    console.log(
      `generating ${sequence === 0 ? `a base extract of ${customers} customers, as of ${world.extractedAt}` : 'the delta extract 6 hours after it'}: ${path}`,
    );
    await writeExtract({ ...world, out: path, sequence });
  }

  const plans = join(out, 'plans');
  mapc('compile', 'mappings/customer.map', 'mappings/product.map', '--out-dir', plans);
  mapc('init', join(plans, 'customer.plan.json'), join(plans, 'product.plan.json'), ...tableArgs, ...endpointArgs);
  for (const [n, extract] of extracts.entries()) {
    for (const mapping of ['customer', 'product']) {
      const name = `${mapping}-${n === 0 ? 'base' : 'delta1'}`;
      mapc(
        'run',
        join(plans, `${mapping}.plan.json`),
        '--extract',
        extract,
        ...tableArgs,
        ...endpointArgs,
        '--report',
        join(out, `${name}.report.json`),
        '--rejects',
        join(out, `${name}.rejects.ndjson`),
      );
    }
  }
  mapc('pending', join(plans, 'customer.plan.json'), ...tableArgs, ...endpointArgs);

  // A customer of the base whom the delta brought a new order (one the mapping keeps), and one
  // product, as they are now in DynamoDB.
  const customer = await oldCustomerWithNewOrder(extracts[1], customers);
  for (const key of [
    { pk: `CUST#${customer}`, sk: 'PROFILE' },
    { pk: 'PROD#SKU-000001', sk: 'DETAILS' },
  ]) {
    const answer = await client.send(
      new GetItemCommand({
        TableName: `${prefix}app_table`,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ConsistentRead: true,
      }),
    );
    const text = answer.Item ? printableItem(answer.Item) : '(no such item)';
    console.log(`\nitem ${key.pk} ${key.sk}:\n${text.length > 2500 ? `${text.slice(0, 2500)} …` : text}`);
  }
  client.destroy();
} finally {
  await server?.stop();
}

/** The first customer of the base extract that has an order in the delta the mapping keeps (not CANCELLED). */
async function oldCustomerWithNewOrder(delta: string, baseCustomers: number): Promise<number> {
  const source = new LocalFileSource(delta);
  try {
    for (const entry of (await listEntries(source)).filter((e) => e.name.startsWith('orders'))) {
      const chunks: Buffer[] = [];
      for await (const chunk of openEntry(source, entry)) chunks.push(chunk as Buffer);
      // order_id,customer_id,order_date,status,…: no quoted fields before the fifth column.
      for (const line of Buffer.concat(chunks).toString('utf8').split('\n').slice(1)) {
        const [, id, , status] = line.split(',');
        const customer = Number(id);
        if (customer >= 1 && customer <= baseCustomers && status !== 'CANCELLED') return customer;
      }
    }
    return 1;
  } finally {
    await source.close();
  }
}
