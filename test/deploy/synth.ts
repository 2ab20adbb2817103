// The deploy app synthesized in this process, as `cdk synth` would (cdk.json's context and the
// given settings), into a temporary cloud assembly; each settings once per test run, since a
// synth takes seconds. No account, no credentials, no network, no Docker: the image asset is
// only staged (copied into the assembly).
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMapcApp, type MapcApp } from '../../deploy/mapc-app.js';

export interface Synthesized {
  built: MapcApp;
  template: Template;
  /** The cloud assembly's folder. */
  outdir: string;
}

/** The settings most tests use: an existing bucket, the repository's mappings. */
export const DEMO_SETTINGS = { bucket: 'acme-extracts', prefix: 'warehouse/daily/' };

const done = new Map<string, Synthesized>();

let assemblies: string | undefined;
/** A fresh folder for a cloud assembly; all of them go when the test process exits. */
export function assemblyFolder(): string {
  if (assemblies === undefined) {
    const parent = mkdtempSync(join(tmpdir(), 'mapc-cdk-'));
    process.once('exit', () => rmSync(parent, { recursive: true, force: true }));
    assemblies = parent;
  }
  return mkdtempSync(join(assemblies, 'assembly-'));
}

export function synthesize(settings: Record<string, unknown> = DEMO_SETTINGS): Synthesized {
  const key = JSON.stringify(settings);
  let synthesized = done.get(key);
  if (synthesized === undefined) {
    const outdir = assemblyFolder();
    const built = buildMapcApp({ context: settings, outdir, cloudFormationValidation: false });
    // Synthesizes the app: cdk-nag's checks run here, and an unacknowledged error throws.
    const template = Template.fromStack(built.stack);
    synthesized = { built, template, outdir };
    done.set(key, synthesized);
  }
  return synthesized;
}

type CfnValue = unknown;

/**
 * A value of the template with its intrinsic functions replaced, as CloudFormation would
 * resolve them in account 123456789012 of eu-west-1: Ref → a name or ARN-like placeholder,
 * Fn::GetAtt → "<logical id>.<attribute>", Fn::Join joined. Enough to read a state machine's
 * definition or an ARN as text.
 */
export function resolveIntrinsics(value: CfnValue): CfnValue {
  if (Array.isArray(value)) return value.map(resolveIntrinsics);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, CfnValue>;
  if ('Ref' in object) {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': 'eu-west-1',
      'AWS::AccountId': '123456789012',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return pseudo[object.Ref as string] ?? `${object.Ref as string}`;
  }
  if ('Fn::GetAtt' in object) return (object['Fn::GetAtt'] as string[]).join('.');
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, CfnValue[]];
    return parts.map((part) => String(resolveIntrinsics(part))).join(separator);
  }
  return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolveIntrinsics(inner)]));
}

/** The one resource of a type, with its logical id. */
export function onlyResource(template: Template, type: string): { id: string; properties: Record<string, any> } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [id, resource] = found[0];
  return { id, properties: (resource as { Properties: Record<string, any> }).Properties };
}

/** The state machine's definition (ASL) as an object. */
export function stateMachineDefinition(template: Template): {
  StartAt: string;
  States: Record<string, any>;
  TimeoutSeconds?: number;
} {
  const { properties } = onlyResource(template, 'AWS::StepFunctions::StateMachine');
  return JSON.parse(String(resolveIntrinsics(properties.DefinitionString)));
}
