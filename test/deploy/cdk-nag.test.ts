// cdk-nag's AwsSolutions checks, attached to the app with Validations.of(app).addPlugins as the
// CLI runs them: no unacknowledged error for any kind of deployment, and every acknowledgement
// carries its reason and answers a finding cdk-nag really makes (none is left over).
import { expect } from 'chai';
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildMapcApp } from '../../deploy/mapc-app.js';
import { assemblyFolder, DEMO_SETTINGS, synthesize } from './synth.js';

const DEPLOYMENTS: Record<string, Record<string, unknown>> = {
  'an existing bucket, new tables': DEMO_SETTINGS,
  'a new bucket, Container Insights off': { ...DEMO_SETTINGS, createBucket: 'true', containerInsights: 'false' },
  'existing tables and an SSE-KMS bucket': {
    ...DEMO_SETTINGS,
    existingTables: 'mapc-app_table,mapc-control',
    bucketKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100',
  },
  'sharded mode, a new bucket': { ...DEMO_SETTINGS, createBucket: 'true', shards: '{"maxShards": 8}' },
  'sharded mode, an SSE-KMS bucket, another plans prefix, Container Insights off': {
    ...DEMO_SETTINGS,
    bucketKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100',
    shards: { maxShards: 4, planPrefix: 'ops/mapc/plans/' },
    containerInsights: 'false',
  },
};

/**
 * Every AwsSolutions acknowledgement recorded on the tree: the construct's path, the rule id,
 * the reason. (CDK acknowledges some of its own CloudFormation-Validate rules; not ours.)
 */
function acknowledgementsOf(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            path: construct.node.path,
            id: id.replace(/^annotation::/i, ''),
            reason,
          })),
        ),
    )
    .filter((acknowledgement) => acknowledgement.id.startsWith('AwsSolutions-'));
}

describe('cdk-nag AwsSolutions checks on the deploy stack', function () {
  this.timeout(180_000);

  for (const [what, settings] of Object.entries(DEPLOYMENTS)) {
    it(`find no unacknowledged error or warning: ${what}`, () => {
      const { built } = synthesize(settings); // the synth itself fails on an unacknowledged error
      const report = new AwsSolutionsChecks().validateScope(built.app);
      expect(
        report.violations.map(
          (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
        ),
      ).to.deep.equal([]);
    });

    it(`acknowledge only what cdk-nag finds, each with its reason: ${what}`, () => {
      const acknowledged = acknowledgementsOf(synthesize(settings).built.app);
      expect(acknowledged.length).to.be.greaterThan(3);
      for (const { id, reason } of acknowledged) expect(reason.length, `the reason for ${id}`).to.be.greaterThan(60);

      const bare = buildMapcApp({
        context: settings,
        outdir: assemblyFolder(),
        cloudFormationValidation: false,
        withoutNagAcknowledgements: true,
      });
      bare.app.synth();
      const findings = new AwsSolutionsChecks()
        .validateScope(bare.app)
        .violations.flatMap((v) => v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath! })));
      const covers = (a: { path: string; id: string }, f: { path: string; id: string }) =>
        a.id === f.id && (f.path === a.path || f.path.startsWith(`${a.path}/`));
      for (const finding of findings)
        expect(
          acknowledged.some((a) => covers(a, finding)),
          `${finding.id} at ${finding.path} is acknowledged`,
        ).to.equal(true);
      for (const acknowledgement of acknowledged) {
        expect(
          findings.some((f) => covers(acknowledgement, f)),
          `${acknowledgement.id} at ${acknowledgement.path} answers a finding`,
        ).to.equal(true);
      }
    });
  }
});
