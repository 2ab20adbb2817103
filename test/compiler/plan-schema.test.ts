import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { compile } from '../../compiler/compile.js';
import type { Plan } from '../../runtime/plan/types.js';
import { checkPlan, InvalidPlanError, PLAN_VALIDATOR_OPTIONS } from '../../runtime/plan/validate-plan.js';
import { Ajv } from 'ajv';
import schema from '../../runtime/plan/plan.schema.json' with { type: 'json' };

function customerPlan(): Plan {
  const { plan } = compile('mappings/customer.map');
  if (!plan) throw new Error('mappings/customer.map does not compile');
  return plan;
}

function problemsOf(document: unknown): string[] {
  try {
    checkPlan(document, 'broken.plan.json');
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidPlanError);
    return (error as InvalidPlanError).problems;
  }
  throw new Error('the broken plan was accepted');
}

describe('plan schema', () => {
  it('is a valid JSON Schema, with the options the runtime compiles it with (which skip this check)', () => {
    const ajv = new Ajv({ ...PLAN_VALIDATOR_OPTIONS, validateSchema: true });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).to.equal(true);
    expect(() => ajv.compile(schema)).not.to.throw();
  });

  it('accepts the plan the compiler writes', () => {
    expect(checkPlan(customerPlan())).to.have.property('planFormat', 1);
  });

  it('names a missing field and where it is', () => {
    const plan = customerPlan() as unknown as { tables: Array<Record<string, unknown>> };
    delete plan.tables[1].key;
    expect(problemsOf(plan)).to.deep.equal(['tables.1: missing field "key"']);
  });

  it('names an unknown expression kind deep in the item tree', () => {
    const plan = customerPlan();
    const field = plan.items[0].shape.fields.find((f) => f.name === 'name')!;
    (field.value as { expr: { kind: string } }).expr.kind = 'columm';
    expect(problemsOf(plan)[0]).to.match(/^items\.0\.shape\.fields\.\d+\.value\.expr: unknown kind "columm"$/);
  });

  it('refuses a plan of another format version and says what to do', () => {
    const plan = { ...customerPlan(), planFormat: 2 };
    const error = (() => {
      try {
        checkPlan(plan, 'old.plan.json');
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error?.message).to.contain('old.plan.json is not a valid mapc plan');
    expect(error?.message).to.contain('planFormat: must be 1');
    expect(error?.message).to.contain('Recompile the mapping');
  });

  it('takes `optional: true` on a table, and nothing else there', () => {
    const plan = customerPlan() as unknown as { tables: Array<Record<string, unknown>> };
    plan.tables[0].optional = true;
    expect(checkPlan(plan)).to.have.nested.property('tables[0].optional', true);
    plan.tables[0].optional = false;
    expect(problemsOf(plan)).to.deep.equal(['tables.0.optional: must be true']);
  });

  it('refuses fields the types do not have', () => {
    const plan = { ...customerPlan(), extra: true };
    expect(problemsOf(plan)).to.deep.equal(['the document: unknown field "extra"']);
  });

  it('has a kind in the schema for every kind of plan expression the compiler emits', () => {
    const schema = JSON.parse(readFileSync('runtime/plan/plan.schema.json', 'utf8'));
    const schemaKinds = schema.$defs.expr.oneOf
      .map((branch: { properties: { kind: { const: string } } }) => branch.properties.kind.const)
      .sort();
    const emitted = new Set<string>();
    const plans = ['mappings/customer.map', 'mappings/product.map', 'test/golden/cases/single-table.map'].map(
      (f) => compile(f).plan,
    );
    JSON.stringify(plans, (key, value) => {
      if (value && typeof value === 'object' && 'kind' in value && 'type' in value) emitted.add(value.kind);
      return value;
    });
    expect(schemaKinds).to.include.members([...emitted]);
  });
});
