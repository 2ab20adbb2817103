// `mapc job --plan --plan-out <s3://bucket/key | file>`: the plan JSON written where the state
// machine of a sharded deployment reads it back (docs/deploy.md "Sharded mode"). An S3 object
// is written with one PutObject (retried by the SDK), with the S3 settings the job reads
// extracts with; a file is written in place.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { writeFile } from 'node:fs/promises';
import { createS3Client, type S3ClientSettings } from '../../runtime/archive/s3-source.js';
import { describeConnectionError } from '../../runtime/dynamodb/connection-error.js';

const PUT_ATTEMPTS = 3;

export async function writePlanOut(where: string, text: string, s3: S3ClientSettings): Promise<void> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/i.exec(where);
  if (!match) {
    await writeFile(where, text);
    return;
  }
  const [, bucket, key] = match;
  const client = createS3Client(s3, PUT_ATTEMPTS);
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: 'application/json' }));
  } catch (error) {
    const unreachable = describeConnectionError(error, {
      service: 'S3',
      endpoint: s3.endpoint,
      region: s3.region,
      flags: '--s3-endpoint (MAPC_S3_ENDPOINT) and --region (MAPC_REGION)',
    });
    throw new Error(
      `--plan-out ${where}: cannot write the plan: ${unreachable ?? `${(error as Error).name}: ${(error as Error).message}`}` +
        (unreachable ? '' : '; check the bucket, and that the job may s3:PutObject there'),
      { cause: error },
    );
  } finally {
    client.destroy();
  }
}
