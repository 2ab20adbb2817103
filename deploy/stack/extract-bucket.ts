// The bucket extracts land in: an existing one imported by name, or a new one (private, TLS
// only, S3-managed encryption, server access logs to a bucket of their own, kept when the
// stack is deleted). Either way its events go to EventBridge, where the stack's rule picks
// "Object Created" under the prefix. A new bucket gets that by a property of the bucket; an
// existing one through CDK's notifications custom resource, which adds EventBridge to the
// bucket's notification configuration and keeps what is already there.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type CfnBucket,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config.js';

export class ExtractBucket extends Construct {
  readonly bucket: IBucket;
  /** The bucket's server access logs, when the stack creates the bucket. */
  readonly accessLogs?: Bucket;

  constructor(scope: Construct, id: string, config: DeployConfig['bucket']) {
    super(scope, id);
    if (!config.create) {
      this.bucket = Bucket.fromBucketName(this, 'Imported', config.name);
      this.bucket.enableEventBridgeNotification();
      return;
    }
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...PRIVATE_BUCKET,
      // The log delivery service writes with the bucket owner's ownership.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    const bucket = new Bucket(this, 'Extracts', {
      ...PRIVATE_BUCKET,
      bucketName: config.name,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'extracts/',
    });
    // EventBridge delivery set on the bucket itself (CloudFormation's NotificationConfiguration),
    // rather than bucket.enableEventBridgeNotification(), which adds a Lambda-backed custom resource.
    (bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    this.bucket = bucket;
  }
}

const PRIVATE_BUCKET = {
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  removalPolicy: RemovalPolicy.RETAIN,
} as const;
