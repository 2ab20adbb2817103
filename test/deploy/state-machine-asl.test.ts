// The state machine's definition, as CloudFormation will hand it to Step Functions, checked
// against the Amazon States Language by asl-validator (JSON schema, paths, ARNs), and walked:
// every state can be reached, and every path ends in Succeed or Fail.
import { expect } from 'chai';
import aslValidator from 'asl-validator';
import { DEMO_SETTINGS, stateMachineDefinition, synthesize } from './synth.js';

const SHARDED = { ...DEMO_SETTINGS, shards: '{"maxShards": 8, "maxConcurrency": 4}' };

type States = Record<
  string,
  {
    Type: string;
    Next?: string;
    End?: boolean;
    Default?: string;
    Choices?: Array<{ Next: string }>;
    Catch?: Array<{ Next: string }>;
    ItemProcessor?: { StartAt: string; States: States };
  }
>;

/** The states each state may go to next: Next, a Choice's branches and default, Catch handlers. */
function successors(state: States[string]): string[] {
  return [
    state.Next,
    state.Default,
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Catch ?? []).map((c) => c.Next),
  ].filter((s): s is string => s !== undefined);
}

describe("the state machine's definition (ASL)", function () {
  this.timeout(120_000);

  for (const settings of [
    DEMO_SETTINGS,
    { ...DEMO_SETTINGS, createBucket: 'true', timeoutMinutes: '30' },
    SHARDED,
    { ...SHARDED, bucketKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100' },
  ]) {
    it(`is valid Amazon States Language (asl-validator): ${JSON.stringify(settings)}`, () => {
      const definition = stateMachineDefinition(synthesize(settings).template);
      const { isValid, errorsText } = aslValidator(definition);
      expect(isValid, errorsText('\n')).to.equal(true);
    });
  }

  it('fails the validator when a state points nowhere (the check is not empty)', () => {
    const definition = structuredClone(stateMachineDefinition(synthesize().template));
    definition.States['Run mapc job'].Next = 'No such state';
    expect(aslValidator(definition).isValid).to.equal(false);
  });

  it('reaches every state from the start, and every path ends in Succeed or Fail', () => {
    const { StartAt, States } = stateMachineDefinition(synthesize().template) as { StartAt: string; States: States };
    const reached = new Set<string>();
    const visit = (name: string) => {
      if (reached.has(name)) return;
      reached.add(name);
      successors(States[name]).forEach(visit);
    };
    visit(StartAt);
    expect([...reached].sort()).to.deep.equal(Object.keys(States).sort());
    const ends = Object.entries(States).filter(([, state]) => successors(state).length === 0 || state.End === true);
    expect(ends.map(([, state]) => state.Type).sort()).to.deep.equal(['Fail', 'Succeed', 'Succeed']);
  });

  it("sharded mode: reaches every state, in the Map's child executions too; every path ends in Succeed or Fail, or loops back to the lock", () => {
    const { StartAt, States } = stateMachineDefinition(synthesize(SHARDED).template) as {
      StartAt: string;
      States: States;
    };
    const walk = (start: string, states: States) => {
      const reached = new Set<string>();
      const visit = (name: string) => {
        if (reached.has(name)) return;
        reached.add(name);
        successors(states[name]).forEach(visit);
      };
      visit(start);
      return reached;
    };
    expect([...walk(StartAt, States)].sort()).to.deep.equal(Object.keys(States).sort());
    const map = States['Apply the shards'].ItemProcessor!;
    expect([...walk(map.StartAt, map.States)].sort()).to.deep.equal(Object.keys(map.States).sort());
    const ends = Object.entries(States).filter(([, state]) => successors(state).length === 0 || state.End === true);
    expect(ends.map(([name, state]) => `${state.Type} ${name}`).sort()).to.deep.equal([
      'Fail mapc job failed',
      'Succeed A new execution goes on',
      'Succeed Another execution is applying the extracts',
      'Succeed Done',
    ]);
    // The loop: from the check back to the lock, and from the lock to the plan.
    expect(walk('Check the extract is applied', States).has('Plan the next extract')).to.equal(true);
  });

  it('sharded mode: the validator fails a Map whose child state points nowhere (it checks the child states)', () => {
    const definition = structuredClone(stateMachineDefinition(synthesize(SHARDED).template));
    definition.States['Apply the shards'].ItemProcessor.States['Hold the lock for the execution'].Next =
      'No such state';
    expect(aslValidator(definition).isValid).to.equal(false);
  });
});
