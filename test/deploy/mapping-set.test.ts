// The mappings a stack deploys, compiled at synth: names, plan paths in the image, and the
// target tables' keys and TTL as the job will check them.
import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeployConfigError, parseDeployConfig } from '../../deploy/config.js';
import { compileMappingSet, MappingSetError, type MappingSet } from '../../deploy/mapping-set.js';
import { REPO_ROOT } from '../../deploy/paths.js';
import { planTables } from '../../deploy/table-plan.js';

describe('the mapping set of a deployment', () => {
  const set = compileMappingSet(REPO_ROOT, ['mappings/customer.map', 'mappings/product.map']);

  it('names each mapping and the plan the image holds for it', () => {
    expect(set.mappings).to.deep.equal([
      { file: 'mappings/customer.map', name: 'customer', planPath: 'plans/customer.plan.json' },
      { file: 'mappings/product.map', name: 'product', planPath: 'plans/product.plan.json' },
    ]);
  });

  it('takes the target tables from the mappings: keys with their types, the TTL attribute, who writes there', () => {
    expect(set.targets).to.deep.equal([
      {
        target: 'app_table',
        partitionKey: { name: 'pk', type: 'S' },
        sortKey: { name: 'sk', type: 'S' },
        ttlAttribute: 'expires_at',
        mappings: ['customer', 'product'],
      },
    ]);
  });

  it("stops with mapc's diagnostics when a mapping does not compile", () => {
    const repo = mkdtempSync(join(tmpdir(), 'mapc-deploy-mappings-'));
    mkdirSync(join(repo, 'mappings'));
    mkdirSync(join(repo, 'examples'));
    // The project's root, which imports may not leave (mappings import ../examples/).
    writeFileSync(join(repo, 'mapc.json'), '{}\n');
    cpSync(join(REPO_ROOT, 'examples', 'warehouse.map'), join(repo, 'examples', 'warehouse.map'));
    writeFileSync(
      join(repo, 'mappings', 'broken.map'),
      'mapping broken\nimport "../examples/warehouse.map"\n\nitem B into no_such_table {\n  from customers as c\n  pk = c.customer_id\n}\n',
    );
    try {
      expect(() => compileMappingSet(repo, ['mappings/broken.map'])).to.throw(
        MappingSetError,
        /broken\.map:4:\d+: error MAP0201/,
      );
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('the tables of a deployment', () => {
  const set = compileMappingSet(REPO_ROOT, ['mappings/customer.map']);
  const config = (raw: Record<string, unknown>) =>
    parseDeployConfig({ bucket: 'acme-extracts', prefix: 'extracts/', ...raw }, REPO_ROOT);

  it('creates a table per target, named after the deployment, and the control table with keys pk and sk', () => {
    const plan = planTables(config({ name: 'sales' }), set);
    expect(plan.targets).to.deep.equal([
      {
        tableName: 'sales-app_table',
        existing: false,
        target: 'app_table',
        partitionKey: { name: 'pk', type: 'S' },
        sortKey: { name: 'sk', type: 'S' },
        ttlAttribute: 'expires_at',
      },
    ]);
    expect(plan.control).to.deep.include({
      tableName: 'sales-control',
      existing: false,
      target: null,
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
    });
  });

  it('imports the tables listed as existing, by their bound names', () => {
    const plan = planTables(
      config({ tables: 'app_table=prod-app', controlTable: 'prod-control', existingTables: 'prod-app,prod-control' }),
      set,
    );
    expect(plan.targets.map((t) => [t.tableName, t.existing])).to.deep.equal([['prod-app', true]]);
    expect([plan.control.tableName, plan.control.existing]).to.deep.equal(['prod-control', true]);
  });

  it('refuses bindings to targets the mappings do not have and existing tables nothing uses', () => {
    expect(() => planTables(config({ tables: 'app_tabel=prod-app', existingTables: 'prod-app' }), set))
      .to.throw(DeployConfigError)
      .with.property('problems')
      .that.deep.equals([
        'tables: app_tabel is not a target of the mappings (their targets: app_table)',
        "existingTables: prod-app is neither a target's table (mapc-app_table) nor the control table (mapc-control)",
      ]);
  });

  it('cannot create a table whose key type the mappings leave open, and says how to go on', () => {
    const open: MappingSet = { ...set, targets: [{ ...set.targets[0], sortKey: { name: 'sk', type: null } }] };
    expect(() => planTables(config({}), open)).to.throw(
      DeployConfigError,
      /do not settle the type of sk, so the stack cannot create mapc-app_table; create it yourself and list it in existingTables/,
    );
    expect(planTables(config({ existingTables: 'mapc-app_table' }), open).targets[0]).to.deep.include({
      existing: true,
      sortKey: null,
    });
  });
});
