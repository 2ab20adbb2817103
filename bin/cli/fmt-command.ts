// `mapc fmt`: rewrites .map files in their canonical layout (or checks that they are).
import { readFileSync, writeFileSync } from 'node:fs';
import { formatMap } from '../../grammar/format.js';
import type { Command } from './main.js';
import { parseCommandLine, UsageError } from './parse-options.js';

const usage = `usage: mapc fmt <file.map>... [--check | --stdout]

Rewrites each file in the canonical layout (comments kept; formatting twice changes nothing).
--check  change nothing; exit 1 and list the files that are not formatted
--stdout print the formatted text instead of rewriting the file (one file)`;

export const fmtCommand: Command = {
  run(args) {
    const { values, positionals } = parseCommandLine(
      args,
      { check: { type: 'boolean' }, stdout: { type: 'boolean' } },
      usage,
    );
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError(`name at least one .map file\n\n${usage}`);
    let status = 0;
    for (const file of positionals) {
      const text = readFileSync(file, 'utf8');
      const result = formatMap(text, file);
      if (!result.ok) {
        for (const p of result.problems) console.error(`${p.span.file}:${p.span.line}:${p.span.column}: ${p.message}`);
        console.error(`${file}: not formatted: fix the syntax errors first`);
        status = 1;
        continue;
      }
      if (values.stdout) process.stdout.write(result.text);
      else if (result.text !== text) {
        if (values.check) {
          console.error(`${file}: not formatted (run \`mapc fmt ${file}\`)`);
          status = 1;
        } else writeFileSync(file, result.text);
      }
    }
    return status;
  },
};
