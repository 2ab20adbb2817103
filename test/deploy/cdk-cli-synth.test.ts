// `cdk synth` as a team runs it (deploy/cdk.json, settings as -c), through the aws-cdk CLI, with
// no account, no credentials and no network: no version check, notices, telemetry or lookups,
// and no instance metadata to ask for credentials. Where the machine lets `unshare` make a
// network namespace, the CLI runs in one with no network at all, which proves it. CDK's own
// CloudFormation checks and cdk-nag run as in a deployment.
import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPLOY_DIR, REPO_ROOT } from '../../deploy/paths.js';

interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** `unshare -rn` (a user and network namespace, no root needed where user namespaces are on), if it works here. */
const WITHOUT_NETWORK = spawnSync('unshare', ['-rn', 'true']).status === 0 ? ['unshare', '-rn'] : [];

const scratch: string[] = [];
const scratchFolder = (prefix: string) => {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(folder);
  return folder;
};

function cdk(args: string[]): Promise<Finished> {
  const home = scratchFolder('mapc-cdk-home-');
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    // A profile that does not exist, so that no credentials from this machine are found.
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
  };
  return new Promise((resolve) => {
    const command = [
      ...WITHOUT_NETWORK,
      process.execPath,
      join(REPO_ROOT, 'node_modules/aws-cdk/bin/cdk'),
      ...args,
      '--no-notices',
      '--no-version-reporting',
      '--no-lookups',
    ];
    execFile(
      command[0],
      command.slice(1),
      { cwd: DEPLOY_DIR, env, encoding: 'utf8', maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('cdk synth through the aws-cdk CLI, offline and without an account', function () {
  this.timeout(300_000);
  after(() => {
    for (const folder of scratch.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it("writes the stack's template and stages the image, with cdk-nag and CloudFormation checks passing", async () => {
    const out = scratchFolder('mapc-cdk-out-');
    const result = await cdk([
      'synth',
      '-c',
      'bucket=acme-extracts',
      '-c',
      'prefix=extracts/',
      '-c',
      'alarmEmail=ops@example.com',
      '-q',
      '-o',
      out,
    ]);
    expect(result.code, result.stderr).to.equal(0);
    const template = JSON.parse(readFileSync(join(out, 'mapc.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const types = new Set(Object.values(template.Resources).map((r) => r.Type));
    for (const type of [
      'AWS::StepFunctions::StateMachine',
      'AWS::ECS::TaskDefinition',
      'AWS::Events::Rule',
      'AWS::Scheduler::Schedule',
      'AWS::DynamoDB::Table',
      'AWS::CloudWatch::Alarm',
    ]) {
      expect(types, type).to.include(type);
    }
    const assets = JSON.parse(readFileSync(join(out, 'mapc.assets.json'), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile: string } }>;
    };
    const [image] = Object.values(assets.dockerImages);
    expect(image.source.dockerFile).to.equal('Dockerfile');
    expect(existsSync(join(out, image.source.directory, 'Dockerfile'))).to.equal(true);
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ pluginName: string; conclusion: string }>;
    };
    expect(report.pluginReports.filter((r) => r.conclusion !== 'success')).to.deep.equal([]);
  });

  it('synthesizes sharded mode from -c shards=<JSON>: a Distributed Map, two task definitions of one image, the checks passing', async () => {
    const out = scratchFolder('mapc-cdk-out-');
    const result = await cdk([
      'synth',
      '-c',
      'bucket=acme-extracts',
      '-c',
      'prefix=extracts/',
      '-c',
      'shards={"maxShards": 4, "shardCpu": 4096, "shardMemoryMiB": 16384}',
      '-q',
      '-o',
      out,
    ]);
    expect(result.code, result.stderr).to.equal(0);
    const template = JSON.parse(readFileSync(join(out, 'mapc.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
    };
    const families = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
      .map((r) => r.Properties.Family);
    expect(families).to.deep.equal(['mapc-job', 'mapc-job-shard']);
    const machine = Object.values(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
    expect(JSON.stringify(machine.Properties.DefinitionString)).to.include('\\"Mode\\":\\"DISTRIBUTED\\"');
    const assets = JSON.parse(readFileSync(join(out, 'mapc.assets.json'), 'utf8')) as {
      dockerImages: Record<string, unknown>;
    };
    expect(Object.keys(assets.dockerImages)).to.have.length(1);
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ pluginName: string; conclusion: string }>;
    };
    expect(report.pluginReports.filter((r) => r.conclusion !== 'success')).to.deep.equal([]);
  });

  it("stops with the configuration's problems, named, before anything is written", async () => {
    const out = scratchFolder('mapc-cdk-out-');
    const result = await cdk(['synth', '-c', 'prefix=extracts', '-c', 'cpu=3', '-q', '-o', out]);
    expect(result.code).to.not.equal(0);
    expect(result.stderr)
      .to.include('mapc deploy: the deploy configuration has 3 problems:')
      .and.include('bucket: required')
      .and.include('prefix: "extracts" must end with "/"')
      .and.include('cpu: a whole number from 256 to 16384, not "3"');
    expect(existsSync(join(out, 'mapc.template.json'))).to.equal(false);
  });
});
