// Least privilege for the job's task role (the actions: job-actions.ts): S3 reads under the
// prefix only, DynamoDB on the named tables only, and KMS decryption of an existing bucket's
// key only through S3. Every statement names its resources; none is "*".
import { Aws } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import {
  CONTROL_TABLE_ACTIONS,
  EXTRACT_LIST_ACTIONS,
  EXTRACT_OBJECT_ACTIONS,
  PLAN_OBJECT_ACTIONS,
  TARGET_TABLE_ACTIONS,
} from '../job-actions.js';
import type { MapcTables } from './tables.js';

export interface JobPermissionsProps {
  bucketName: string;
  prefix: string;
  kmsKeyArn?: string;
  tables: MapcTables;
}

export function grantJobPermissions(role: IGrantable, props: JobPermissionsProps): void {
  const { prefix, tables } = props;
  // Built from the bucket's name (created or imported alike), so the ARNs read the same in the template.
  const bucketArn = `arn:${Aws.PARTITION}:s3:::${props.bucketName}`;
  const statements = [
    new PolicyStatement({
      sid: 'ListExtractsUnderThePrefix',
      actions: EXTRACT_LIST_ACTIONS,
      resources: [bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
    }),
    new PolicyStatement({
      sid: 'ReadExtractsUnderThePrefix',
      actions: EXTRACT_OBJECT_ACTIONS,
      resources: [`${bucketArn}/${prefix}*`],
    }),
    new PolicyStatement({
      sid: 'MergeIntoTargetTables',
      actions: TARGET_TABLE_ACTIONS,
      resources: tables.targets.map((t) => t.table.tableArn),
    }),
    new PolicyStatement({
      sid: 'KeepStateInTheControlTable',
      actions: CONTROL_TABLE_ACTIONS,
      resources: [tables.control.table.tableArn],
    }),
  ];
  if (props.kmsKeyArn !== undefined) {
    statements.push(
      new PolicyStatement({
        sid: 'DecryptExtractsThroughS3',
        actions: ['kms:Decrypt'],
        resources: [props.kmsKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
  for (const statement of statements) role.grantPrincipal.addToPrincipalPolicy(statement);
}

export interface PlanObjectsProps {
  bucketName: string;
  /** The folder of the bucket plans are written to (sharded mode's planPrefix). */
  planPrefix: string;
  kmsKeyArn?: string;
}

/** The plans' objects: `arn:…:s3:::bucket/planPrefix*`. */
export function planObjectsArn(props: Pick<PlanObjectsProps, 'bucketName' | 'planPrefix'>): string {
  return `arn:${Aws.PARTITION}:s3:::${props.bucketName}/${props.planPrefix}*`;
}

/**
 * Sharded mode: the task of the plan step may write plans under the plans prefix (and, for an
 * SSE-KMS bucket, have S3 make a data key for them with the bucket's key), and nothing more.
 */
export function grantPlanWriting(role: IGrantable, props: PlanObjectsProps): void {
  role.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'WritePlansUnderThePlanPrefix',
      actions: PLAN_OBJECT_ACTIONS,
      resources: [planObjectsArn(props)],
    }),
  );
  if (props.kmsKeyArn !== undefined)
    role.grantPrincipal.addToPrincipalPolicy(
      kmsThroughS3('EncryptPlansThroughS3', 'kms:GenerateDataKey', props.kmsKeyArn),
    );
}

/** A KMS action on the bucket's key, only as S3 asks it on the principal's behalf. */
export function kmsThroughS3(sid: string, action: string, kmsKeyArn: string): PolicyStatement {
  return new PolicyStatement({
    sid,
    actions: [action],
    resources: [kmsKeyArn],
    conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
  });
}
