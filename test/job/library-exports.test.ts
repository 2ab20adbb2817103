// mapc as a library, as a user's code imports it: by the package's name, through package.json
// "exports", from the built JavaScript with its type declarations beside it.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../runtime/fixtures/mapc-process.js';

// By a name the type checker does not resolve: the declarations it would read are built by the
// same compile that checks this file.
type Library = typeof import('../../api/index.js');
const importByName = <T>(name: string): Promise<T> => import(name) as Promise<T>;

describe('the library: package exports', () => {
  it('mapc gives compile, loadPlan, runExtract, runJob and watchJob, with declarations', async () => {
    const mapc = await importByName<Library>('mapc');
    for (const name of ['compile', 'loadPlan', 'runExtract', 'runJob', 'watchJob'])
      expect(mapc[name as keyof typeof mapc], name).to.be.a('function');
    expect(existsSync(join(REPO_ROOT, 'build/api/index.d.ts'))).to.equal(true);
  });

  it('mapc/lambda gives the Lambda handler', async () => {
    const { handler } = await importByName<typeof import('../../bin/lambda/handler.js')>('mapc/lambda');
    expect(handler).to.be.a('function');
    expect(existsSync(join(REPO_ROOT, 'build/bin/lambda/handler.d.ts'))).to.equal(true);
  });

  it('loadPlan compiles a mapping, and compile gives its diagnostics as data', async () => {
    const { compile, loadPlan } = await importByName<Library>('mapc');
    const plan = loadPlan(join(REPO_ROOT, 'mappings/customer.map'));
    expect(plan.mapping).to.equal('customer');
    expect(compile(join(REPO_ROOT, 'mappings/customer.map')).diagnostics).to.deep.equal([]);
  });
});
