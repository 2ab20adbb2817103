// `mapc compile` and `mapc check`: diagnostics to stderr, the plan to a file or stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkAcrossMappings, compile, type CompileResult } from '../../compiler/compile.js';
import { viewOf } from '../../compiler/diagnostics/diagnostic.js';
import { diagnosticsAsJson, renderDiagnostics } from '../../compiler/diagnostics/render.js';
import type { Command } from './main.js';
import { parseCommandLine, UsageError } from './parse-options.js';
import { withPlanHash } from '../../runtime/plan/plan-hash.js';

const checkUsage = `usage: mapc check <file.map>... [--format text|json] [--allow-absolute-imports]

Runs every check of \`mapc compile\` and writes nothing. Exit code: 0 clean (warnings
allowed), 1 errors found, 2 bad usage.`;

const usage = `usage: mapc compile <file.map>... [-o plan.json | --out-dir DIR] [--format text|json]
                    [--allow-absolute-imports]

Checks each mapping and writes its plan: to -o (one mapping), into --out-dir as
<mapping>.plan.json, or to standard output (one mapping, no -o). Mappings given together are
also checked against each other (their item keys must not collide in a shared table).
Imports stay inside the project folder (the nearest folder with a mapc.json or package.json);
--allow-absolute-imports lets \`import "/abs/path.map"\` read files elsewhere.
Exit code: 0 clean (warnings allowed), 1 errors found, 2 bad usage.`;

export const compileCommand: Command = {
  run(args) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        output: { type: 'string', short: 'o' },
        'out-dir': { type: 'string' },
        format: { type: 'string', default: 'text' },
        check: { type: 'boolean' },
        'allow-absolute-imports': { type: 'boolean' },
      },
      usage,
    );
    if (values.help) {
      console.log(values.check ? checkUsage : usage);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError(`name at least one .map file\n\n${usage}`);
    if (values.output && positionals.length > 1)
      throw new UsageError('-o takes one mapping; use --out-dir for several');
    if (values.format !== 'text' && values.format !== 'json')
      throw new UsageError(`--format is text or json, not ${values.format}`);

    const results: CompileResult[] = positionals.map((file) =>
      compile(file, { allowAbsoluteImports: values['allow-absolute-imports'] }),
    );
    const diagnostics = [...results.flatMap((r) => r.diagnostics), ...checkAcrossMappings(results)];
    const sources = new Map(results.flatMap((r) => [...r.sources]));
    if (values.format === 'json') console.log(diagnosticsAsJson(diagnostics));
    else process.stderr.write(renderDiagnostics(diagnostics, (f) => sources.get(f)));
    const failed = diagnostics.some((d) => viewOf(d).severity === 'error');
    if (failed || values.check) return failed ? 1 : 0;

    results.forEach((result, i) => {
      const json = `${JSON.stringify(withPlanHash(result.plan!), null, 2)}\n`;
      if (values.output) writeFileSync(values.output, json);
      else if (values['out-dir']) {
        mkdirSync(values['out-dir'], { recursive: true });
        writeFileSync(join(values['out-dir'], `${basename(positionals[i]).replace(/\.map$/, '')}.plan.json`), json);
      } else if (positionals.length === 1) process.stdout.write(json);
    });
    if (positionals.length > 1 && !values['out-dir']) {
      console.error(`compiled ${results.length} mappings cleanly (use --out-dir to write their plans)`);
    }
    return 0;
  },
};

export const checkCommand: Command = {
  run: (args) => compileCommand.run(['--check', ...args]),
};
