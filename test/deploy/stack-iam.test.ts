// Least privilege, read off the synthesized template: the job may read extracts under the
// prefix and call on its tables exactly the DynamoDB actions the runtime's code makes, the
// state machine may touch its lock item only, and nothing is granted on "*" except the
// actions AWS gives no resource to name (deploy/stack/wildcard-resource-actions.ts).
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONTROL_TABLE_ACTIONS,
  DYNAMODB_CALLS_NOT_FOR_THE_JOB,
  TARGET_TABLE_ACTIONS,
} from '../../deploy/job-actions.js';
import { REPO_ROOT } from '../../deploy/paths.js';
import { ACTIONS_WITHOUT_RESOURCES } from '../../deploy/stack/wildcard-resource-actions.js';
import { DEMO_SETTINGS, resolveIntrinsics, synthesize } from './synth.js';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every identity-policy statement of the template: AWS::IAM::Policy documents and roles' inline policies, by owner. */
function statementsOf(template: Record<string, any>): Array<{ owner: string; statement: Statement }> {
  const found: Array<{ owner: string; statement: Statement }> = [];
  for (const [id, resource] of Object.entries(
    template.Resources as Record<string, { Type: string; Properties: Record<string, any> }>,
  )) {
    const documents =
      resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy'
        ? [resource.Properties.PolicyDocument]
        : resource.Type === 'AWS::IAM::Role'
          ? (resource.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument)
          : [];
    for (const document of documents)
      for (const statement of document.Statement as Statement[]) found.push({ owner: id, statement });
  }
  return found;
}

/** The statements of the policy attached to a role whose logical id starts with the prefix. */
function roleStatements(settings: Record<string, unknown>, rolePrefix: string): Statement[] {
  const template = synthesize(settings).template.toJSON();
  const policies = Object.values(
    template.Resources as Record<string, { Type: string; Properties: Record<string, any> }>,
  ).filter(
    (r) =>
      r.Type === 'AWS::IAM::Policy' &&
      r.Properties.Roles.some((role: { Ref: string }) => role.Ref.startsWith(rolePrefix)),
  );
  expect(policies, rolePrefix).to.have.length(1);
  return (resolveIntrinsics(policies[0].Properties.PolicyDocument) as { Statement: Statement[] }).Statement;
}

/** The API calls a runtime folder makes with one AWS SDK client: `new XCommand(` under it. */
function sdkCalls(client: string): Set<string> {
  const calls = new Set<string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        if (!text.includes(`'@aws-sdk/${client}'`)) continue;
        for (const match of text.matchAll(/new (\w+)Command\(/g)) calls.add(match[1]);
      }
    }
  };
  walk(join(REPO_ROOT, 'runtime'));
  return calls;
}

describe("the deploy stack's permissions", function () {
  this.timeout(120_000);
  const settingsList = [
    DEMO_SETTINGS,
    { ...DEMO_SETTINGS, createBucket: 'true' },
    {
      ...DEMO_SETTINGS,
      bucketKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100',
    },
  ];

  it('grants nothing on "*" but the actions AWS gives no resource to name, and no action with a wildcard', () => {
    for (const settings of settingsList) {
      for (const { owner, statement } of statementsOf(synthesize(settings).template.toJSON())) {
        for (const action of list(statement.Action)) expect(action, owner).to.not.include('*');
        if (!list(statement.Resource).includes('*')) continue;
        const unexplained = list(statement.Action).filter((action) => ACTIONS_WITHOUT_RESOURCES[action] === undefined);
        expect(unexplained, `${owner} grants these on "*"`).to.deep.equal([]);
      }
    }
  });

  it('lets the job list and read objects under the prefix only, and call exactly its DynamoDB actions on its tables', () => {
    const statements = roleStatements(DEMO_SETTINGS, 'JobDefinitionTaskRole');
    expect(statements).to.deep.equal([
      {
        Sid: 'ListExtractsUnderThePrefix',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::acme-extracts',
        Condition: { StringLike: { 's3:prefix': ['warehouse/daily/*'] } },
      },
      {
        Sid: 'ReadExtractsUnderThePrefix',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: 'arn:aws:s3:::acme-extracts/warehouse/daily/*',
      },
      {
        Sid: 'MergeIntoTargetTables',
        Effect: 'Allow',
        Action: [...TARGET_TABLE_ACTIONS].sort(),
        Resource: statements[2].Resource,
      },
      {
        Sid: 'KeepStateInTheControlTable',
        Effect: 'Allow',
        Action: [...CONTROL_TABLE_ACTIONS].sort(),
        Resource: statements[3].Resource,
      },
    ]);
    expect(statements[2].Resource).to.match(/^TablesTargetapptable\w+\.Arn$/);
    expect(statements[3].Resource).to.match(/^TablesControl\w+\.Arn$/);
  });

  it("names existing tables by ARN, and lets the job decrypt an existing bucket's key only through S3", () => {
    const existing = roleStatements(
      { ...DEMO_SETTINGS, existingTables: 'mapc-app_table,mapc-control' },
      'JobDefinitionTaskRole',
    );
    expect(existing.map((s) => s.Resource).slice(2)).to.deep.equal([
      'arn:aws:dynamodb:eu-west-1:123456789012:table/mapc-app_table',
      'arn:aws:dynamodb:eu-west-1:123456789012:table/mapc-control',
    ]);
    const encrypted = roleStatements(settingsList[2], 'JobDefinitionTaskRole');
    expect(encrypted[encrypted.length - 1]).to.deep.equal({
      Sid: 'DecryptExtractsThroughS3',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: 'arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100',
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    });
  });

  it('grants the job every DynamoDB call the runtime makes, except those only mapc init and tests make', () => {
    const granted = new Set([...TARGET_TABLE_ACTIONS, ...CONTROL_TABLE_ACTIONS].map((a) => a.replace('dynamodb:', '')));
    const used = [...sdkCalls('client-dynamodb')].filter((call) => !DYNAMODB_CALLS_NOT_FOR_THE_JOB.includes(call));
    expect(used.length, "the runtime's DynamoDB calls were found").to.be.at.least(8);
    expect([...granted].sort()).to.deep.equal(used.sort());
    // And S3: GetObject and HeadObject (s3:GetObject), ListObjectsV2 (s3:ListBucket); HeadBucket only names a missing bucket.
    expect([...sdkCalls('client-s3')].sort()).to.deep.equal(['GetObject', 'HeadBucket', 'HeadObject', 'ListObjectsV2']);
  });

  it("lets the state machine touch only its lock item, its cluster's tasks and its own executions", () => {
    const statements = roleStatements(DEMO_SETTINGS, 'OrchestrationStateMachineRole');
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
    expect(bySid('HoldTheExecutionLockItemOnly')).to.deep.include({
      Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['stepfunctions-lock#mapc'] } },
    });
    const resourcesOf = (action: string) =>
      statements.filter((s) => list(s.Action).includes(action)).flatMap((s) => list(s.Resource));
    expect(resourcesOf('ecs:StopTask')).to.deep.equal(['arn:aws:ecs:eu-west-1:123456789012:task/mapc-job/*']);
    expect(resourcesOf('ecs:DescribeTasks')).to.deep.equal(['arn:aws:ecs:eu-west-1:123456789012:task/mapc-job/*']);
    expect(resourcesOf('states:DescribeExecution')).to.deep.equal([
      'arn:aws:states:eu-west-1:123456789012:execution:mapc-job:*',
    ]);
    expect(resourcesOf('ecs:RunTask'))
      .to.have.length(1)
      .and.satisfy((r: string[]) => /^JobDefinition\w+$/.test(r[0]));
    expect(resourcesOf('sns:Publish')).to.have.length(1);
    expect(resourcesOf('kms:GenerateDataKey')).to.deep.equal(resourcesOf('kms:Decrypt')).and.have.length(1);
    expect(resourcesOf('iam:PassRole')).to.have.length(2);
  });
});
