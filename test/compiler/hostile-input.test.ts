// Hostile .map input (issue 17): garbage, deep nesting, huge literals, special files and
// imports that leave the project. Each must end in diagnostics at a place, never a throw, a
// hang, unbounded memory or a file's contents echoed back.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { compile } from '../../compiler/compile.js';
import { renderDiagnostics } from '../../compiler/diagnostics/render.js';
import { explainPlan } from '../../compiler/explain/explain-plan.js';
import { parse } from '../../grammar/parse.js';

const codesOf = (r: ReturnType<typeof compile>) => r.diagnostics.map((d) => d.code);
const rendered = (r: ReturnType<typeof compile>) => renderDiagnostics(r.diagnostics, (p) => r.sources.get(p));

function garbage(bytes: number, seed = 7): string {
  let s = seed;
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (s = (s * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  return out.toString('latin1');
}

/** A mapping over the sample warehouse whose one attribute `v` is the given expression. */
function mappingWith(expr: string): string {
  return `import "examples/warehouse.map"\ntarget items { partition key pk }\nitem x into items {\n  from customers as c\n  pk = "C#{c.customer_id}"\n  v = ${expr}\n}\n`;
}
const compileText = (text: string) =>
  compile('hostile.map', {
    readFile: (p) => (p.endsWith('hostile.map') ? text : execFileSync('cat', [p], { encoding: 'utf8' })),
    projectRoot: process.cwd(),
  });

describe('hostile .map input', function () {
  this.timeout(60_000);

  describe('garbage', () => {
    it('1 MiB of random bytes ends in at most 101 diagnostics, the last saying it stopped, within seconds', () => {
      const started = Date.now();
      const result = compile('garbage.map', { readFile: () => garbage(1024 * 1024 - 16) });
      const text = rendered(result);
      expect(Date.now() - started).to.be.below(20_000);
      expect(result.diagnostics.length).to.equal(101);
      expect(result.diagnostics.filter((d) => d.code === 'MAP0006')).to.have.length(1);
      expect(text).to.contain('stopped after 100 diagnostics in garbage.map');
    });

    it('a .map file over 1 MiB on disk is refused at the file before it is parsed', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mapc-big-'));
      const path = join(dir, 'big.map');
      writeFileSync(path, '#'.repeat(2 * 1024 * 1024));
      const result = compile(path);
      expect(codesOf(result)).to.deep.equal(['MAP0005']);
      expect(rendered(result)).to.contain('a .map file may hold at most 1048576 bytes');
    });
  });

  describe('deep nesting', () => {
    for (const [what, expr] of [
      ['200 nested parentheses', `${'('.repeat(200)}1${')'.repeat(200)}`],
      ['200 nested calls', `${'concat('.repeat(200)}"x"${')'.repeat(200)}`],
      ['a 1,000-term sum', Array(1000).fill('c.customer_id').join(' + ')],
      ['1,000 `not`', `${'not '.repeat(1000)}true`],
      ['1,000 unary minus', `${'-'.repeat(1000)}1`],
      ['a template part nested 200 deep', `"{${'('.repeat(200)}c.customer_id${')'.repeat(200)}}"`],
    ] as const) {
      it(`${what}: MAP0007 at a line and column, no stack overflow`, () => {
        const result = compileText(mappingWith(expr));
        expect(codesOf(result)).to.deep.equal(['MAP0007']);
        expect(result.diagnostics[0].span.line).to.equal(6);
        expect(result.diagnostics[0].span.column).to.be.above(4);
      });
    }

    it('200 nested objects: MAP0007, no stack overflow', () => {
      const result = compileText(mappingWith(`${'{ a = '.repeat(200)}1${' }'.repeat(200)}`));
      expect(codesOf(result)).to.deep.equal(['MAP0007']);
    });

    it('a 250-term sum (under the cap) compiles, validates and explains', () => {
      const result = compileText(mappingWith(Array(250).fill('c.customer_id').join(' + ')));
      expect(codesOf(result)).to.deep.equal([]);
      expect(explainPlan(result.plan!)).to.be.a('string');
    });

    it('a 10 MB string literal is reported as too long, without a stack overflow', () => {
      const { problems } = parse(`mapping x\nimport "${'a'.repeat(10_000_000)}.map"\n`, 'x.map');
      expect(problems.map((p) => `${p.kind} ${p.span.line}:${p.span.column}`)).to.deep.equal(['too-long 2:8']);
    });

    it('a 10 MB .map file is refused by the file cap', () => {
      const result = compileText(mappingWith(`"${'a'.repeat(10_000_000)}"`));
      expect(codesOf(result)).to.deep.equal(['MAP0005']);
    });
  });

  describe('special files and imports outside the mapping', () => {
    let project: string;
    before(() => {
      project = mkdtempSync(join(tmpdir(), 'mapc-project-'));
      writeFileSync(join(project, 'package.json'), '{}');
      mkdirSync(join(project, 'mappings'));
      writeFileSync(join(project, 'shared.map'), 'target t { partition key pk }\n');
      execFileSync('mkfifo', [join(project, 'pipe.map')]);
      symlinkSync('/etc/passwd', join(project, 'passwd.map'));
      symlinkSync('/dev/zero', join(project, 'zero.map'));
    });
    const mapping = (name: string, text: string) => {
      const path = join(project, 'mappings', name);
      writeFileSync(path, text);
      return compile(path);
    };

    it('`mapc check /dev/zero` is refused at once: not a regular file', () => {
      const result = compile('/dev/zero');
      expect(codesOf(result)).to.deep.equal(['MAP0117']);
      expect(rendered(result)).to.contain('is not a regular file');
    });

    it('an import of /dev/zero through a .map symlink is refused, not read', () => {
      expect(codesOf(mapping('zero.map', 'import "../zero.map"\n'))).to.deep.equal(['MAP0115']);
      const path = join(project, 'mappings', 'zero-abs.map');
      writeFileSync(path, `import "${join(project, 'zero.map')}"\n`);
      const result = compile(path, { allowAbsoluteImports: true });
      expect(codesOf(result)).to.deep.equal(['MAP0117']);
      expect(rendered(result)).to.contain('is not a regular file');
    });

    it('an import of a FIFO is refused without opening it (no hang)', () => {
      expect(codesOf(mapping('fifo.map', 'import "../pipe.map"\n'))).to.deep.equal(['MAP0117']);
    });

    it('`import "../../../etc/passwd"` leaves the project: refused, nothing echoed', () => {
      const climb = relative(join(project, 'mappings'), '/etc/passwd');
      const result = mapping('climb.map', `import "${climb}"\n`);
      expect(codesOf(result)).to.deep.equal(['MAP0115']);
      expect(rendered(result)).to.not.contain('root:');
    });

    it('a .map symlink to /etc/passwd inside the project is refused as leaving the project', () => {
      const result = mapping('link.map', 'import "../passwd.map"\n');
      expect(codesOf(result)).to.deep.equal(['MAP0115']);
      expect(rendered(result)).to.not.contain('root:');
    });

    it('`import "/etc/shadow"` is refused as absolute', () => {
      const result = mapping('shadow.map', 'import "/etc/shadow"\n');
      expect(codesOf(result)).to.deep.equal(['MAP0116']);
    });

    it('with allowAbsoluteImports, `import "/etc/passwd"` is still not read: it is not a .map file', () => {
      const path = join(project, 'mappings', 'abs.map');
      writeFileSync(path, 'import "/etc/passwd"\n');
      const result = compile(path, { allowAbsoluteImports: true });
      expect(codesOf(result)).to.deep.equal(['MAP0117']);
      expect(rendered(result)).to.not.contain('root:');
    });

    it('with allowAbsoluteImports, an absolute .map import outside the project is read', () => {
      const outside = mkdtempSync(join(tmpdir(), 'mapc-outside-'));
      writeFileSync(join(outside, 'schema.map'), 'target t { partition key pk }\n');
      const path = join(project, 'mappings', 'abs-ok.map');
      writeFileSync(path, `import "${join(outside, 'schema.map')}"\n`);
      expect(codesOf(compile(path))).to.deep.equal(['MAP0116']);
      expect(codesOf(compile(path, { allowAbsoluteImports: true }))).to.not.include('MAP0116');
    });

    it('an import up to the project root (a folder above holding package.json) is allowed', () => {
      expect(codesOf(mapping('up.map', 'import "../shared.map"\n'))).to.not.include.members([
        'MAP0115',
        'MAP0101',
        'MAP0117',
      ]);
    });

    it('an entry file that is not a .map is never shown back in diagnostics', () => {
      const path = join(project, 'secret.txt');
      writeFileSync(path, 'hunter2 is the password\n');
      const result = compile(path);
      expect(result.diagnostics.length).to.be.above(0);
      expect(rendered(result)).to.not.contain('hunter2 is the password');
    });
  });
});
