// The AWS actions `mapc job` calls, by what it calls them on: the job's task role is granted
// these and nothing else. Read off the runtime (grep `Command(` under runtime/):
//
// - target tables: DescribeTable and DescribeTimeToLive (check-tables.ts: keys and TTL checked
//   before anything is written), BatchGetItem (item-reader.ts: stored items to merge into),
//   BatchWriteItem (batch-writer.ts: puts and deletes);
// - the control table: DescribeTable (createControlTable: it exists, so it is not created),
//   PutItem, UpdateItem, DeleteItem, Query (the lease, the ledger, parked rows), BatchGetItem
//   and BatchWriteItem (stored rows, held-back items), Scan (layout-version.ts: once, to move
//   a control table of the first layout into buckets);
// - S3: ListBucket under the prefix (list-extracts.ts: ListObjectsV2), GetObject (HeadObject
//   and the ranged GETs of s3-source.ts) and GetObjectVersion (a GET with the VersionId that
//   pins an object of a versioned bucket).
//
// Not granted: CreateTable, UpdateTimeToLive and DeleteTable (mapc init, the demo and tests;
// the stack makes the tables), and HeadBucket (s3-source.ts asks it only to tell a missing
// bucket from a missing key after a 404; denied, the message names a missing key).
export const TARGET_TABLE_ACTIONS = [
  'dynamodb:DescribeTable',
  'dynamodb:DescribeTimeToLive',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
];

export const CONTROL_TABLE_ACTIONS = [
  'dynamodb:DescribeTable',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:Scan',
];

export const EXTRACT_OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];

export const EXTRACT_LIST_ACTIONS = ['s3:ListBucket'];

/**
 * Sharded mode only, for the task the plan step runs on: `mapc job --plan --plan-out s3://…`
 * writes the plan with one PutObject (bin/cli/plan-out.ts, the command line's own output, not
 * the runtime's), under the plans prefix only.
 */
export const PLAN_OBJECT_ACTIONS = ['s3:PutObject'];

/** DynamoDB API calls of the runtime that the job never makes. */
export const DYNAMODB_CALLS_NOT_FOR_THE_JOB = ['CreateTable', 'UpdateTimeToLive', 'DeleteTable'];
