// `mapc explain`: the plan of a mapping (or a plan file) as a readable tree.
import { compile } from '../../compiler/compile.js';
import { renderDiagnostics } from '../../compiler/diagnostics/render.js';
import { explainPlan } from '../../compiler/explain/explain-plan.js';
import { loadPlanFile } from '../../runtime/plan/validate-plan.js';
import type { Command } from './main.js';
import { parseCommandLine, UsageError } from './parse-options.js';

const usage = `usage: mapc explain <file.map | plan.json>

Shows which archive entries are read and in which order, the columns read (projection), the
filters run at scan time (pushdown), what is indexed, grouped or streamed, how each item is
assembled, and what is kept between extracts to merge later rows.`;

export const explainCommand: Command = {
  run(args) {
    const { values, positionals } = parseCommandLine(args, {}, usage);
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`name one .map or plan file\n\n${usage}`);
    const [file] = positionals;
    if (file.endsWith('.json')) {
      process.stdout.write(explainPlan(loadPlanFile(file, { allowEdited: true })));
      return 0;
    }
    const result = compile(file);
    process.stderr.write(renderDiagnostics(result.diagnostics, (f) => result.sources.get(f)));
    if (!result.plan) return 1;
    process.stdout.write(explainPlan(result.plan));
    return 0;
  },
};
