// The synthesized template, resource by resource: what starts the job, how the state machine
// runs and retries it, the task's command and environment, the tables, the alarms. Synthesized
// in this process with no account, credentials, network or Docker (synth.ts).
import { expect } from 'chai';
import { Match } from 'aws-cdk-lib/assertions';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_COMMAND } from '../../deploy/job-environment.js';
import { DEMO_SETTINGS, onlyResource, resolveIntrinsics, stateMachineDefinition, synthesize } from './synth.js';

describe("the deploy stack's template", function () {
  this.timeout(120_000);

  describe('triggers', () => {
    it('an EventBridge rule on S3 "Object Created" for .zip objects under the prefix starts the state machine', () => {
      const { template } = synthesize();
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: {
            bucket: { name: ['acme-extracts'] },
            object: { key: [{ wildcard: 'warehouse/daily/*.zip' }, { wildcard: 'warehouse/daily/*.ZIP' }] },
          },
        },
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            Arn: { Ref: onlyResource(template, 'AWS::StepFunctions::StateMachine').id },
            InputTransformer: {
              InputPathsMap: { 'detail-object-key': '$.detail.object.key' },
              InputTemplate: '{"mapc":"catch-up","trigger":"extract-landed","extract":<detail-object-key>}',
            },
          }),
        ],
      });
    });

    it('EventBridge Scheduler runs the catch-up every catchUpMinutes', () => {
      expect(onlyResource(synthesize().template, 'AWS::Scheduler::Schedule').properties).to.deep.include({
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
      });
      const { properties } = onlyResource(
        synthesize({ ...DEMO_SETTINGS, catchUpMinutes: '15' }).template,
        'AWS::Scheduler::Schedule',
      );
      expect(properties.ScheduleExpression).to.equal('rate(15 minutes)');
      expect(JSON.parse(properties.Target.Input)).to.deep.equal({ mapc: 'catch-up', trigger: 'schedule' });
    });

    it("an existing bucket gets EventBridge notifications through CDK's custom resource, keeping its own", () => {
      const { template } = synthesize();
      template.resourceCountIs('AWS::S3::Bucket', 0);
      template.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: 'acme-extracts',
        NotificationConfiguration: { EventBridgeConfiguration: {} },
        Managed: false,
      });
    });

    it('a new bucket is private, TLS-only, logged, kept, and sends its events to EventBridge by itself', () => {
      const { template } = synthesize({ ...DEMO_SETTINGS, createBucket: 'true' });
      template.resourceCountIs('Custom::S3BucketNotifications', 0);
      template.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          BucketName: 'acme-extracts',
          NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'extracts/' }),
        }),
        DeletionPolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('the state machine', () => {
    const definition = () => stateMachineDefinition(synthesize().template);

    it("runs mapc job as a Fargate task and waits for it (ecs:runTask.sync), with MAPC_OWNER set to the execution's name", () => {
      const run = definition().States['Run mapc job'];
      expect(run).to.deep.include({
        Type: 'Task',
        Resource: 'arn:aws:states:::ecs:runTask.sync',
        TimeoutSeconds: 120 * 60,
        ResultPath: null,
      });
      expect(run.Parameters).to.deep.include({ LaunchType: 'FARGATE', TaskDefinition: 'mapc-job' });
      expect(run.Parameters.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).to.equal('ENABLED');
      expect(run.Parameters.Overrides).to.deep.equal({
        ContainerOverrides: [{ Name: 'mapc', Environment: [{ Name: 'MAPC_OWNER', 'Value.$': '$$.Execution.Name' }] }],
      });
    });

    it('retries launch failures and failed tasks with backoff and jitter, never a timeout', () => {
      expect(definition().States['Run mapc job'].Retry).to.deep.equal([
        {
          ErrorEquals: ['ECS.AmazonECSException', 'AmazonECS.Unknown'],
          IntervalSeconds: 30,
          MaxAttempts: 4,
          BackoffRate: 2,
          MaxDelaySeconds: 300,
          JitterStrategy: 'FULL',
        },
        {
          ErrorEquals: ['States.TaskFailed'],
          IntervalSeconds: 120,
          MaxAttempts: 2,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
      ]);
    });

    it('catches what still fails: lets go of the lock, publishes to the alerts topic, ends FAILED with the error', () => {
      const { States } = definition();
      const { template } = synthesize();
      expect(States['Run mapc job'].Catch).to.deep.equal([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Let go of the lock after the failure' },
      ]);
      expect(States['Let go of the lock after the failure']).to.deep.include({
        Resource: 'arn:aws:states:::dynamodb:deleteItem',
        Next: 'Tell the operators',
      });
      const notify = States['Tell the operators'];
      expect(notify).to.deep.include({ Resource: 'arn:aws:states:::sns:publish', Next: 'mapc job failed' });
      expect(notify.Parameters.TopicArn).to.equal(onlyResource(template, 'AWS::SNS::Topic').id);
      expect(notify.Parameters.Message).to.deep.include({
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
        'execution.$': '$$.Execution.Id',
      });
      expect(States['mapc job failed']).to.deep.equal({
        Type: 'Fail',
        ErrorPath: '$.failure.Error',
        CausePath: '$.failure.Cause',
      });
    });

    it('runs one execution at a time: a lock item in the control table, taken over only from an execution that has ended', () => {
      const { StartAt, States } = definition();
      const tables = synthesize().template.findResources('AWS::DynamoDB::Table', {
        Properties: { TableName: 'mapc-control' },
      });
      expect(StartAt).to.equal('Take the execution lock');
      const take = States['Take the execution lock'];
      expect(take.Parameters).to.deep.include({
        TableName: Object.keys(tables)[0],
        Key: { pk: { S: 'stepfunctions-lock#mapc' }, sk: { S: 'lock' } },
        ConditionExpression: 'attribute_not_exists(#holder) OR #holder = :me',
      });
      expect(take.Parameters.ExpressionAttributeValues[':me']).to.deep.equal({ 'S.$': '$$.Execution.Id' });
      expect(take.Next).to.equal('Run mapc job');
      expect(take.Catch[0]).to.deep.equal({
        ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
        ResultPath: null,
        Next: 'Read the execution lock',
      });
      expect(States['Ask whether the holder runs']).to.deep.include({
        Resource: 'arn:aws:states:::aws-sdk:sfn:describeExecution',
        Next: 'Does the holder run?',
      });
      expect(States['Does the holder run?'].Choices).to.deep.equal([
        {
          Variable: '$.lockHolder.status',
          StringEquals: 'RUNNING',
          Next: 'Another execution is applying the extracts',
        },
      ]);
      expect(States['Does the holder run?'].Default).to.equal('Take the lock over from an ended execution');
      expect(States['Another execution is applying the extracts'].Type).to.equal('Succeed');
      expect(States['Take the lock over from an ended execution'].Parameters.ConditionExpression).to.equal(
        '#holder = :holder',
      );
      expect(States['Let go of the lock']).to.deep.include({
        Resource: 'arn:aws:states:::dynamodb:deleteItem',
        Next: 'Done',
      });
      expect(States['Let go of the lock'].Parameters.ConditionExpression).to.equal('#holder = :me');
    });

    it('logs every event, traces with X-Ray, and gives up after the longest the task may take with its retries', () => {
      const { properties } = onlyResource(synthesize().template, 'AWS::StepFunctions::StateMachine');
      expect(properties).to.deep.include({
        StateMachineName: 'mapc-job',
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
      });
      expect(properties.LoggingConfiguration).to.deep.include({ Level: 'ALL', IncludeExecutionData: true });
      expect(stateMachineDefinition(synthesize().template).TimeoutSeconds).to.equal((120 * 3 + 30) * 60);
    });
  });

  describe("the job's task", () => {
    it('runs `mapc job` from the image with the MAPC_* environment, and its output to CloudWatch Logs', () => {
      const { properties } = onlyResource(synthesize().template, 'AWS::ECS::TaskDefinition');
      expect(properties).to.deep.include({
        Family: 'mapc-job',
        Cpu: '1024',
        Memory: '2048',
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: ['FARGATE'],
      });
      const [container] = properties.ContainerDefinitions;
      expect(container.Name).to.equal('mapc');
      expect(container.Command).to.deep.equal(JOB_COMMAND).and.deep.equal(['job']);
      const environment = Object.fromEntries(
        container.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, resolveIntrinsics(e.Value)]),
      );
      expect(environment).to.deep.equal({
        MAPC_SOURCE: 's3://acme-extracts/warehouse/daily/',
        MAPC_MAPPINGS: 'plans/customer.plan.json plans/product.plan.json',
        MAPC_TABLES: '{"app_table":"mapc-app_table"}',
        MAPC_CONTROL_TABLE: 'mapc-control',
        MAPC_REGION: 'eu-west-1',
        MAPC_METRICS: 'emf',
      });
      expect(container.LogConfiguration.LogDriver).to.equal('awslogs');
      expect(container.Image).to.be.an('object'); // the asset's image in the bootstrap repository
    });

    it('takes its size, time limit and reject limit from the settings', () => {
      const { template } = synthesize({
        ...DEMO_SETTINGS,
        cpu: '4096',
        memoryMiB: '16384',
        ephemeralStorageGiB: '60',
        timeoutMinutes: '30',
        maxRejects: '500',
      });
      const { properties } = onlyResource(template, 'AWS::ECS::TaskDefinition');
      expect(properties).to.deep.include({ Cpu: '4096', Memory: '16384', EphemeralStorage: { SizeInGiB: 60 } });
      expect(properties.ContainerDefinitions[0].Environment).to.deep.include({
        Name: 'MAPC_MAX_REJECTS',
        Value: '500',
      });
      expect(stateMachineDefinition(template).States['Run mapc job'].TimeoutSeconds).to.equal(1800);
    });

    it('runs in public subnets without NAT, reaching S3 and DynamoDB through gateway endpoints, letting nothing in', () => {
      const { template } = synthesize();
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
      template.resourceCountIs('AWS::EC2::FlowLog', 1);
      const group = onlyResource(template, 'AWS::EC2::SecurityGroup').properties;
      expect(group.SecurityGroupIngress).to.equal(undefined);
      expect(group.SecurityGroupEgress).to.deep.equal([
        { CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS APIs', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      ]);
      template.hasResourceProperties('AWS::ECS::Cluster', {
        ClusterName: 'mapc-job',
        ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
      });
      synthesize({ ...DEMO_SETTINGS, containerInsights: 'false' }).template.hasResourceProperties('AWS::ECS::Cluster', {
        ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }],
      });
    });

    it("stages the image's build context with only what the Dockerfile copies (.dockerignore)", () => {
      const { outdir } = synthesize();
      const assets = readdirSync(outdir).filter(
        (name) => name.startsWith('asset.') && existsSync(join(outdir, name, 'Dockerfile')),
      );
      expect(assets).to.have.length(1);
      const context = join(outdir, assets[0]);
      expect(readdirSync(context).sort()).to.deep.equal([
        '.dockerignore',
        'Dockerfile',
        'api',
        'bin',
        'compiler',
        'deploy',
        'examples',
        'grammar',
        'mappings',
        'package-lock.json',
        'package.json',
        'runtime',
        'tsconfig.json',
      ]);
      expect(readdirSync(join(context, 'deploy'), { recursive: true })).to.deep.equal([
        'image',
        'image/stage-image.sh',
      ]);
      expect(readdirSync(join(context, 'examples')).every((name) => name.endsWith('.map'))).to.equal(true);
      // Every COPY of the build stage finds its source in the context.
      const dockerfile = readFileSync(join(context, 'Dockerfile'), 'utf8');
      const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(' '));
      expect(sources.length).to.be.greaterThan(5);
      for (const source of sources) {
        const folder = join(context, source.replace(/\/?\*\.map$/, ''));
        expect(existsSync(folder), source).to.equal(true);
      }
    });
  });

  describe('tables', () => {
    it("creates the target table from the mappings' target: keys, TTL, on-demand, point-in-time recovery, kept", () => {
      synthesize().template.hasResource('AWS::DynamoDB::Table', {
        Properties: {
          TableName: 'mapc-app_table',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('creates the control table: keys pk and sk, no TTL, kept', () => {
      synthesize().template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({
          TableName: 'mapc-control',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          TimeToLiveSpecification: Match.absent(),
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
        DeletionPolicy: 'Retain',
      });
    });

    it('imports existing tables by name and creates none of them', () => {
      const { template } = synthesize({
        ...DEMO_SETTINGS,
        tables: 'app_table=prod-app',
        controlTable: 'prod-control',
        existingTables: 'prod-app,prod-control',
      });
      template.resourceCountIs('AWS::DynamoDB::Table', 0);
      const environment = onlyResource(template, 'AWS::ECS::TaskDefinition').properties.ContainerDefinitions[0]
        .Environment;
      expect(environment).to.deep.include.members([
        { Name: 'MAPC_TABLES', Value: '{"app_table":"prod-app"}' },
        { Name: 'MAPC_CONTROL_TABLE', Value: 'prod-control' },
      ]);
    });
  });

  describe('operations', () => {
    const alarms = (settings?: Record<string, unknown>) =>
      Object.values(synthesize(settings).template.findResources('AWS::CloudWatch::Alarm')).map(
        (r) => (r as { Properties: Record<string, any> }).Properties,
      );
    const alarm = (name: string, settings?: Record<string, unknown>) => {
      const found = alarms(settings).find((a) => a.AlarmName === name);
      if (found === undefined) throw new Error(`no alarm ${name}`);
      return found;
    };

    it('has the job-failed alarm, and per mapping the overdue, rejected and parked alarms, and per table the throttling alarm, all to the alerts topic', () => {
      const names = alarms()
        .map((a) => a.AlarmName)
        .sort();
      expect(names).to.deep.equal([
        'mapc-customer-extract-overdue',
        'mapc-customer-rows-parked',
        'mapc-customer-rows-rejected',
        'mapc-job-failed',
        'mapc-mapc-app_table-writes-throttled',
        'mapc-mapc-control-writes-throttled',
        'mapc-product-extract-overdue',
        'mapc-product-rows-parked',
        'mapc-product-rows-rejected',
      ]);
      const topic = onlyResource(synthesize().template, 'AWS::SNS::Topic').id;
      for (const a of alarms()) expect(a.AlarmActions, a.AlarmName).to.deep.equal([{ Ref: topic }]);
    });

    it('counts failed and timed-out executions of the state machine as a failed job', () => {
      const failed = alarm('mapc-job-failed');
      expect(failed).to.deep.include({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      const metrics = failed.Metrics.filter((m: any) => m.MetricStat)
        .map((m: any) => m.MetricStat.Metric.MetricName)
        .sort();
      expect(metrics).to.deep.equal(['ExecutionsFailed', 'ExecutionsTimedOut']);
    });

    it("calls an extract overdue when a mapping has had no successful run for overdueHours, from the job's EMF metrics", () => {
      const overdue = alarm('mapc-customer-extract-overdue', { ...DEMO_SETTINGS, overdueHours: '30' });
      expect(overdue).to.deep.include({
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        EvaluationPeriods: 30,
        DatapointsToAlarm: 30,
        TreatMissingData: 'breaching',
      });
      const stats = overdue.Metrics.filter((m: any) => m.MetricStat).map((m: any) => ({
        ...m.MetricStat.Metric,
        stat: m.MetricStat.Stat,
        period: m.MetricStat.Period,
      }));
      expect(stats).to.deep.equal([
        {
          Namespace: 'mapc',
          MetricName: 'Failed',
          Dimensions: [{ Name: 'Mapping', Value: 'customer' }],
          stat: 'SampleCount',
          period: 3600,
        },
        {
          Namespace: 'mapc',
          MetricName: 'Failed',
          Dimensions: [{ Name: 'Mapping', Value: 'customer' }],
          stat: 'Sum',
          period: 3600,
        },
      ]);
    });

    it('alarms on a run that rejects or parks more rows than the thresholds', () => {
      const settings = { ...DEMO_SETTINGS, rejectedRowsThreshold: '25', parkedRowsThreshold: '5000' };
      expect(alarm('mapc-product-rows-rejected', settings)).to.deep.include({
        Namespace: 'mapc',
        MetricName: 'RowsRejected',
        Dimensions: [{ Name: 'Mapping', Value: 'product' }],
        Statistic: 'Maximum',
        Threshold: 25,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(alarm('mapc-product-rows-parked', settings)).to.deep.include({
        MetricName: 'RowsParked',
        Threshold: 5000,
      });
    });

    it('alarms on DynamoDB throttled writes of each table', () => {
      expect(alarm('mapc-mapc-app_table-writes-throttled')).to.deep.include({
        Namespace: 'AWS/DynamoDB',
        MetricName: 'WriteThrottleEvents',
        Dimensions: [{ Name: 'TableName', Value: 'mapc-app_table' }],
        Statistic: 'Sum',
        Threshold: 0,
      });
    });

    it('has a dashboard of rows per run, items written, lag and duration', () => {
      const { properties } = onlyResource(synthesize().template, 'AWS::CloudWatch::Dashboard');
      const body = String(resolveIntrinsics(properties.DashboardBody));
      for (const title of [
        'Rows read per run',
        'Items written and deleted',
        'Lag: ',
        'Run duration (seconds)',
        'Alarms',
      ])
        expect(body).to.include(title);
      for (const metric of ['RowsRead', 'ItemsWritten', 'LagSeconds', 'Seconds'])
        expect(body).to.include(`"mapc","${metric}","Mapping","customer"`);
    });

    it('keeps the logs for logRetentionDays', () => {
      const groups = Object.values(
        synthesize({ ...DEMO_SETTINGS, logRetentionDays: '90' }).template.findResources('AWS::Logs::LogGroup'),
      );
      expect(groups).to.have.length(3);
      for (const group of groups)
        expect((group as { Properties: { RetentionInDays: number } }).Properties.RetentionInDays).to.equal(90);
    });

    it('encrypts the alerts topic with its own rotated key and refuses plain HTTP', () => {
      const { template } = synthesize({ ...DEMO_SETTINGS, alarmEmail: 'ops@example.com' });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    });
  });
});
