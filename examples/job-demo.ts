// `npm run demo -- --job`: a rehearsal of the unattended job on this machine. Starts s3rver and
// DynamoDB Local, uploads a base extract and two deltas under one prefix (the deltas leave out
// the tables with no new rows; the second is a refresh set of orders and their lines only),
// runs `mapc job` once (all three are applied, in order), uploads a third delta, runs it again
// (only that one is applied), prints `mapc ledger`, and stops the servers. Files it writes are
// under out/demo/job/.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { demoWorld } from './demo-world.js';
import { writeExtract } from './extract-generator/write-extract.js';
import { startDynamoDbLocal } from './local-servers/dynamodb-local.js';
import { putFile, S3RVER_CREDENTIALS, startS3Server } from './local-servers/s3-server.js';

const BUCKET = 'extracts';
const PREFIX = 'warehouse/';

export async function runJobDemo(customers: number): Promise<void> {
  const out = join('out', 'demo', 'job');
  mkdirSync(out, { recursive: true });
  const [dynamo, s3] = await Promise.all([startDynamoDbLocal(), startS3Server({ buckets: [BUCKET] })]);
  try {
    console.log(`DynamoDB Local on ${dynamo.endpoint}, s3rver on ${s3.endpoint}`);
    const env = {
      ...process.env,
      // s3rver takes only its own key pair; DynamoDB Local takes any.
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      // The AWS SDK's Node-version warning: this process has shown it once already.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const tables = [
      '--table',
      'app_table=mapc_job_demo_app',
      '--control-table',
      'mapc_job_demo_control',
      '--endpoint',
      dynamo.endpoint,
    ];
    // Not spawnSync: s3rver runs in this process and must go on answering.
    const mapc = async (...args: string[]) => {
      console.log(`\n$ mapc ${args.join(' ')}`);
      const child = spawn(process.execPath, ['bin/mapc.js', ...args], { stdio: 'inherit', env });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      if (code !== 0) throw new Error(`mapc ${args[0]} exited with ${code}`);
    };
    const world = demoWorld(customers);
    const deliver = async (name: string, sequence: number, onlyTables?: string[]) => {
      const path = join(out, name);
      await writeExtract({
        ...world,
        sequence,
        out: path,
        omitEmptyTables: true,
        ...(onlyTables ? { onlyTables } : {}),
      });
      await putFile(s3.endpoint, BUCKET, PREFIX + name, path);
      console.log(`uploaded s3://${BUCKET}/${PREFIX}${name}${onlyTables ? ` (only ${onlyTables.join(' and ')})` : ''}`);
    };

    await deliver('base.zip', 0);
    await deliver('delta1.zip', 1);
    await deliver('delta2.zip', 2, ['orders', 'order_lines']);
    await mapc('init', 'mappings/customer.map', 'mappings/product.map', ...tables);
    const job = [
      'job',
      'mappings/customer.map',
      'mappings/product.map',
      '--source',
      `s3://${BUCKET}/${PREFIX}`,
      '--s3-endpoint',
      s3.endpoint,
      ...tables,
      '--report-dir',
      join(out, 'reports'),
    ];
    await mapc(...job);
    await deliver('delta3.zip', 3);
    await mapc(...job);
    await mapc('ledger', 'mappings/customer.map', 'mappings/product.map', ...tables);
  } finally {
    await Promise.all([dynamo.stop(), s3.stop()]);
  }
}
