// Sharded mode (config `shards`), read off the synthesized template: the shard's task
// definition, the loop of the state machine (plan, read the plan, a Distributed Map of shard
// tasks, check, again), its retries and bounds, and what each role may do. Without `shards` the
// stack is the one the other tests of this folder read, unchanged.
import { expect } from 'chai';
import { JOB_COMMAND, PLAN_COMMAND } from '../../deploy/job-environment.js';
import { JOB_RETRIES } from '../../deploy/stack/job-state-machine.js';
import { ACTIONS_WITHOUT_RESOURCES } from '../../deploy/stack/wildcard-resource-actions.js';
import { DEMO_SETTINGS, onlyResource, resolveIntrinsics, stateMachineDefinition, synthesize } from './synth.js';

const SHARDED = { ...DEMO_SETTINGS, shards: '{"maxShards": 8, "maxConcurrency": 4}' };
const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100';
const SHARDED_KMS = { ...SHARDED, bucketKmsKeyArn: KMS_KEY };
const PLANS = 'arn:aws:s3:::acme-extracts/mapc-plans/mapc/*';

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The statements of the policies attached to a role whose logical id starts with the prefix, by policy. */
function policiesOf(settings: Record<string, unknown>, rolePrefix: string): Record<string, Statement[]> {
  const resources = synthesize(settings).template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, any> }
  >;
  return Object.fromEntries(
    Object.entries(resources)
      .filter(
        ([, r]) =>
          r.Type === 'AWS::IAM::Policy' &&
          r.Properties.Roles.some((role: { Ref: string }) => role.Ref.startsWith(rolePrefix)),
      )
      .map(([id, r]) => [id, (resolveIntrinsics(r.Properties.PolicyDocument) as { Statement: Statement[] }).Statement]),
  );
}
const statementsOf = (settings: Record<string, unknown>, rolePrefix: string) =>
  Object.values(policiesOf(settings, rolePrefix)).flat();
const resourcesOf = (statements: Statement[], action: string) =>
  statements.filter((s) => list(s.Action).includes(action)).flatMap((s) => list(s.Resource));

describe('sharded mode (config shards)', function () {
  this.timeout(120_000);
  const definition = () => stateMachineDefinition(synthesize(SHARDED).template);
  const retriesWithJitter = JOB_RETRIES.map((r) => ({
    ErrorEquals: r.errors,
    IntervalSeconds: r.interval.toSeconds(),
    MaxAttempts: r.maxAttempts,
    BackoffRate: r.backoffRate,
    ...(r.maxDelay ? { MaxDelaySeconds: r.maxDelay.toSeconds() } : {}),
    JitterStrategy: 'FULL',
  }));

  it("adds a shard's task definition of its own size, with the job's image, command, environment and log group", () => {
    const { template } = synthesize({
      ...DEMO_SETTINGS,
      shards: { maxShards: 4, shardCpu: 4096, shardMemoryMiB: 16384 },
    });
    const definitions = Object.values(template.findResources('AWS::ECS::TaskDefinition')).map(
      (r) => (r as { Properties: Record<string, any> }).Properties,
    );
    expect(definitions.map((d) => [d.Family, d.Cpu, d.Memory])).to.deep.equal([
      ['mapc-job', '1024', '2048'],
      ['mapc-job-shard', '4096', '16384'],
    ]);
    const [job, shard] = definitions.map((d) => d.ContainerDefinitions[0]);
    expect(shard.Name).to.equal('mapc');
    expect(shard.Command).to.deep.equal(JOB_COMMAND);
    expect(shard.Environment).to.deep.equal(job.Environment);
    expect(shard.Image).to.deep.equal(job.Image);
    expect(shard.LogConfiguration.Options['awslogs-group']).to.deep.equal(
      job.LogConfiguration.Options['awslogs-group'],
    );
    expect(shard.LogConfiguration.Options['awslogs-stream-prefix']).to.equal('shard');
    // One image asset for both.
    expect(JSON.stringify(shard.Image)).to.equal(JSON.stringify(job.Image));
  });

  it('counts no extract yet, takes the lock, then plans: mapc job --plan on the job task, sized for the shard task, written under the plans prefix', () => {
    const { StartAt, States } = definition();
    expect(StartAt).to.equal('Count no extract yet');
    expect(States['Count no extract yet']).to.deep.include({
      Type: 'Pass',
      Result: { count: 0 },
      ResultPath: '$.extracts',
      Next: 'Take the execution lock',
    });
    expect(States['Take the execution lock'].Next).to.equal('Plan the next extract');
    expect(States['Take the lock over from an ended execution'].Next).to.equal('Plan the next extract');
    const plan = States['Plan the next extract'];
    expect(plan).to.deep.include({
      Type: 'Task',
      Resource: 'arn:aws:states:::ecs:runTask.sync',
      TimeoutSeconds: 20 * 60,
      ResultPath: null,
      Next: 'Read the plan',
    });
    expect(plan.Parameters).to.deep.include({ LaunchType: 'FARGATE', TaskDefinition: 'mapc-job' });
    expect(plan.Parameters.Overrides).to.deep.equal({
      ContainerOverrides: [
        {
          Name: 'mapc',
          Command: PLAN_COMMAND,
          Environment: [
            {
              Name: 'MAPC_PLAN_OUT',
              'Value.$': "States.Format('s3://acme-extracts/mapc-plans/mapc/{}.json', $$.Execution.Name)",
            },
            // 90% of the shard task's 8192 MiB.
            { Name: 'MAPC_SHARD_MEMORY', Value: '7372' },
            { Name: 'MAPC_MAX_SHARDS', Value: '8' },
          ],
        },
      ],
    });
    expect(PLAN_COMMAND).to.deep.equal(['job', '--plan']);
    expect(plan.Retry).to.deep.equal(retriesWithJitter);
    expect(plan.Catch).to.deep.equal([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Let go of the lock after the failure' },
    ]);
  });

  it('reads the plan back (s3:getObject, States.StringToJson) and, when no extract is pending, lets go of the lock and succeeds', () => {
    const { States } = definition();
    expect(States['Read the plan']).to.deep.include({
      Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
      Parameters: { Bucket: 'acme-extracts', 'Key.$': "States.Format('mapc-plans/mapc/{}.json', $$.Execution.Name)" },
      ResultSelector: { 'plan.$': 'States.StringToJson($.Body)' },
      ResultPath: '$.next',
      Next: 'Is an extract pending?',
    });
    expect(States['Read the plan'].Catch[0].Next).to.equal('Let go of the lock after the failure');
    expect(States['Is an extract pending?']).to.deep.equal({
      Type: 'Choice',
      Choices: [{ Variable: '$.next.plan.extract', IsNull: true, Next: 'Let go of the lock' }],
      Default: 'Apply the shards',
    });
    expect(States['Let go of the lock'].Next).to.equal('Done');
  });

  it('applies the shards on a Distributed Map over the plan, no failure tolerated and no Catch, each shard a task of its own', () => {
    const map = definition().States['Apply the shards'];
    expect(map).to.deep.include({
      Type: 'Map',
      ItemsPath: '$.next.plan.shardList',
      MaxConcurrency: 4,
      ToleratedFailurePercentage: 0,
      Label: 'Shards',
      ResultPath: null,
      Next: 'Check the extract is applied',
    });
    // Its failure fails the execution at the Map, so that a redrive runs the failed shards again.
    expect(map).to.not.have.property('Catch');
    expect(map).to.not.have.property('Retry');
    expect(map.ItemSelector).to.deep.equal({
      'shard.$': '$$.Map.Item.Value',
      'extract.$': '$.next.plan.extract',
      'execution.$': '$$.Execution.Name',
      'executionId.$': '$$.Execution.Id',
    });
    const processor = map.ItemProcessor;
    expect(processor.ProcessorConfig).to.deep.equal({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(processor.StartAt).to.equal('Hold the lock for the execution');
    const hold = processor.States['Hold the lock for the execution'];
    expect(hold).to.deep.include({ Resource: 'arn:aws:states:::dynamodb:updateItem', Next: 'Apply the shard' });
    expect(hold.Parameters).to.deep.include({
      Key: { pk: { S: 'stepfunctions-lock#mapc' }, sk: { S: 'lock' } },
      ConditionExpression: 'attribute_not_exists(#holder) OR #holder = :me',
    });
    expect(hold.Parameters.ExpressionAttributeValues[':me']).to.deep.equal({ 'S.$': '$.executionId' });
    expect(hold).to.not.have.property('Catch');

    const shard = processor.States['Apply the shard'];
    expect(shard).to.deep.include({
      Resource: 'arn:aws:states:::ecs:runTask.sync',
      TimeoutSeconds: 120 * 60,
      ResultPath: null,
      End: true,
    });
    expect(shard.Parameters).to.deep.include({ LaunchType: 'FARGATE', TaskDefinition: 'mapc-job-shard' });
    expect(shard.Parameters.Overrides).to.deep.equal({
      ContainerOverrides: [
        {
          Name: 'mapc',
          Environment: [
            { Name: 'MAPC_ONCE', 'Value.$': '$.extract' },
            { Name: 'MAPC_SHARD', 'Value.$': '$.shard' },
            { Name: 'MAPC_OWNER', 'Value.$': "States.Format('{} shard {}', $.execution, $.shard)" },
          ],
        },
      ],
    });
    expect(shard.Retry).to.deep.equal(retriesWithJitter);
    expect(shard).to.not.have.property('Catch');
    // The shard task's timeout comes from timeoutMinutes, as the job's does.
    const short = stateMachineDefinition(synthesize({ ...SHARDED, timeoutMinutes: '30' }).template);
    expect(short.States['Apply the shards'].ItemProcessor.States['Apply the shard'].TimeoutSeconds).to.equal(1800);
  });

  it('checks the extract is applied, counts it and goes back to the lock; after extractsPerExecution, a new execution goes on', () => {
    const { States } = definition();
    const check = States['Check the extract is applied'];
    expect(check).to.deep.include({ TimeoutSeconds: 20 * 60, ResultPath: null, Next: 'Count the extract' });
    expect(check.Parameters).to.deep.include({ TaskDefinition: 'mapc-job' });
    expect(check.Parameters.Overrides).to.deep.equal({
      ContainerOverrides: [
        {
          Name: 'mapc',
          Environment: [
            { Name: 'MAPC_ONCE', 'Value.$': '$.next.plan.extract' },
            { Name: 'MAPC_CHECK', Value: 'true' },
          ],
        },
      ],
    });
    expect(check.Retry).to.deep.equal(retriesWithJitter);
    expect(check.Catch).to.deep.equal([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Let go of the lock after the failure' },
    ]);
    expect(States['Count the extract']).to.deep.include({
      Type: 'Pass',
      Parameters: { 'count.$': 'States.MathAdd($.extracts.count, 1)' },
      ResultPath: '$.extracts',
      Next: 'Go on with the next extract?',
    });
    expect(States['Go on with the next extract?']).to.deep.equal({
      Type: 'Choice',
      Choices: [{ Variable: '$.extracts.count', NumericLessThan: 10, Next: 'Take the execution lock' }],
      Default: 'Let go of the lock for a new execution',
    });
    expect(States['Let go of the lock for a new execution']).to.deep.include({
      Resource: 'arn:aws:states:::dynamodb:deleteItem',
      Next: 'Go on in a new execution',
    });
    expect(States['Go on in a new execution']).to.deep.include({
      Resource: 'arn:aws:states:::aws-sdk:sfn:startExecution',
      Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', Input: '{"mapc":"catch-up","trigger":"continued"}' },
      Next: 'A new execution goes on',
    });
    expect(States['A new execution goes on'].Type).to.equal('Succeed');
    const three = stateMachineDefinition(
      synthesize({ ...DEMO_SETTINGS, shards: { extractsPerExecution: 3 } }).template,
    );
    expect(three.States['Go on with the next extract?'].Choices[0].NumericLessThan).to.equal(3);
  });

  it('gives an execution the longest its extracts may take: per extract, plan and check, the shards in waves, each task tried three times', () => {
    // 8 shards, 4 at once: 2 waves. Each task: 3 runs of its timeout, and 2 + 4 minutes of backoff.
    const perExtract = 2 * (3 * 20 + 6) + 2 * (3 * 120 + 6) + 10;
    expect(definition().TimeoutSeconds).to.equal((10 * perExtract + 30) * 60);
    const { properties } = onlyResource(synthesize(SHARDED).template, 'AWS::StepFunctions::StateMachine');
    expect(properties).to.deep.include({ StateMachineName: 'mapc-job', StateMachineType: 'STANDARD' });
  });

  describe('permissions', () => {
    it('lets the plan step write plans under the plans prefix only, and a shard do what the job does', () => {
      const job = statementsOf(SHARDED, 'JobDefinitionTaskRole');
      expect(job.map((s) => s.Sid)).to.deep.equal([
        'ListExtractsUnderThePrefix',
        'ReadExtractsUnderThePrefix',
        'MergeIntoTargetTables',
        'KeepStateInTheControlTable',
        'WritePlansUnderThePlanPrefix',
      ]);
      expect(job[4]).to.deep.equal({
        Sid: 'WritePlansUnderThePlanPrefix',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: PLANS,
      });
      const shard = statementsOf(SHARDED, 'ShardDefinitionTaskRole');
      expect(
        shard.map((s) => ({ ...s, Resource: String(s.Resource).replace(/^Tables(\w+?)[0-9A-F]{8}\.Arn$/, '$1') })),
      ).to.deep.equal(
        job
          .slice(0, 4)
          .map((s) => ({ ...s, Resource: String(s.Resource).replace(/^Tables(\w+?)[0-9A-F]{8}\.Arn$/, '$1') })),
      );
      expect(resourcesOf(shard, 's3:PutObject')).to.deep.equal([]);
    });

    it('lets the state machine read the plans, run both task definitions, and start, stop, describe and redrive its own executions only', () => {
      const policies = policiesOf(SHARDED, 'OrchestrationStateMachineRole');
      const ids = Object.keys(policies);
      expect(ids.map((id) => id.replace(/[0-9A-F]{8}$/, ''))).to.deep.equal([
        'OrchestrationStateMachineRoleDefaultPolicy',
        'OrchestrationStateMachineDistributedMapPolicy',
      ]);
      const own = policies[ids[0]];
      expect(resourcesOf(own, 's3:GetObject')).to.deep.equal([PLANS]);
      expect(resourcesOf(own, 'states:StartExecution')).to.deep.equal([
        'arn:aws:states:eu-west-1:123456789012:stateMachine:mapc-job',
      ]);
      expect(resourcesOf(own, 'ecs:RunTask').sort()).to.satisfy(
        (r: string[]) => r.length === 2 && /^JobDefinition\w+$/.test(r[0]) && /^ShardDefinition\w+$/.test(r[1]),
      );
      expect(resourcesOf(own, 'ecs:StopTask')).to.deep.equal(['arn:aws:ecs:eu-west-1:123456789012:task/mapc-job/*']);
      expect(resourcesOf(own, 'iam:PassRole')).to.have.length(4);
      // CDK's policy for the Distributed Map: this state machine, its executions, the Map's child executions.
      const map = policies[ids[1]];
      expect(map.map((s) => list(s.Action).sort())).to.deep.equal([
        ['states:StartExecution'],
        ['states:DescribeExecution', 'states:StopExecution'],
        ['states:RedriveExecution'],
      ]);
      expect(map[0].Resource).to.match(/^OrchestrationStateMachine[0-9A-F]{8}$/);
      // Their ARNs name the state machine by splitting its own ARN (left unresolved here).
      const raw = Object.entries(synthesize(SHARDED).template.toJSON().Resources as Record<string, any>).find(
        ([id]) => id === ids[1],
      )![1].Properties.PolicyDocument.Statement as Statement[];
      const [executions, children] = raw.slice(1).map((s) => JSON.stringify(s.Resource));
      for (const arn of [executions, children])
        expect(arn).to.match(/"Fn::Split":\[":",\{"Ref":"OrchestrationStateMachine[0-9A-F]{8}"\}\]/);
      expect(executions).to.match(/":execution:",\{"Fn::Select".*\},":\*"\]\]\}$/);
      expect(children).to.match(/\},"\/Shards:\*"\]\]\}$/);
    });

    it('with an SSE-KMS bucket, lets S3 make a data key for the plan and decrypt it for the state machine, through S3 only', () => {
      const through = { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } };
      const job = statementsOf(SHARDED_KMS, 'JobDefinitionTaskRole');
      expect(job.find((s) => s.Sid === 'EncryptPlansThroughS3')).to.deep.include({
        Action: 'kms:GenerateDataKey',
        Resource: KMS_KEY,
        Condition: through,
      });
      const machine = statementsOf(SHARDED_KMS, 'OrchestrationStateMachineRole');
      expect(machine.find((s) => s.Sid === 'ReadPlansThroughS3')).to.deep.include({
        Action: 'kms:Decrypt',
        Resource: KMS_KEY,
        Condition: through,
      });
      expect(
        statementsOf(SHARDED_KMS, 'ShardDefinitionTaskRole').find((s) => s.Sid === 'DecryptExtractsThroughS3'),
      ).to.deep.include({
        Action: 'kms:Decrypt',
        Resource: KMS_KEY,
      });
    });

    it('grants nothing new on "*", and no action with a wildcard', () => {
      for (const settings of [SHARDED, SHARDED_KMS, { ...SHARDED, createBucket: 'true' }]) {
        const resources = synthesize(settings).template.toJSON().Resources as Record<
          string,
          { Type: string; Properties: Record<string, any> }
        >;
        for (const [id, resource] of Object.entries(resources)) {
          if (resource.Type !== 'AWS::IAM::Policy') continue;
          for (const statement of resource.Properties.PolicyDocument.Statement as Statement[]) {
            for (const action of list(statement.Action)) expect(action, id).to.not.include('*');
            if (!list(statement.Resource).includes('*')) continue;
            expect(
              list(statement.Action).filter((a) => ACTIONS_WITHOUT_RESOURCES[a] === undefined),
              id,
            ).to.deep.equal([]);
          }
        }
      }
    });
  });
});
