// `mapc explain`: the plan of a mapping (or a plan file) as a readable tree; with --graph, the
// mapping's picture (as `mapc graph` draws it) written as SVG beside it.
import { compile } from '../../compiler/compile.js';
import { renderDiagnostics } from '../../compiler/diagnostics/render.js';
import { explainPlan } from '../../compiler/explain/explain-plan.js';
import { buildMappingGraph } from '../../compiler/graph/build-graph.js';
import { renderSvg } from '../../compiler/graph/render-svg.js';
import { loadPlanFile } from '../../runtime/plan/validate-plan.js';
import { checkOutputFile } from '../../runtime/sinks/output-file.js';
import type { Command } from './main.js';
import { parseCommandLine, UsageError } from './parse-options.js';
import { writePicture } from './write-picture.js';

const usage = `usage: mapc explain <file.map | plan.json> [--graph [FILE.svg]]

Shows which archive entries are read and in which order, the columns read (projection), the
filters run at scan time (pushdown), what is indexed, grouped or streamed, how each item is
assembled, and what is kept between extracts to merge later rows.

--graph also writes the mapping's picture (see \`mapc graph\`) as SVG: to FILE.svg when given
(\`--graph FILE.svg\` or \`--graph=FILE\`), else beside the mapping, its name with .svg for .map
(mappings/customer.map -> mappings/customer.svg). The explain text still goes to standard
output; the path written is reported on standard error. It needs a .map file: a plan holds
no table relationships to draw.`;

/** Takes `--graph`, `--graph FILE.svg` or `--graph=FILE` out of the arguments. */
function takeGraphOption(args: string[]): { rest: string[]; graph: { path: string | null } | null } {
  const rest: string[] = [];
  let graph: { path: string | null } | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg.startsWith('--graph=')) graph = { path: arg.slice('--graph='.length) };
    else if (arg === '--graph') {
      const next = args[i + 1];
      if (next !== undefined && next.toLowerCase().endsWith('.svg')) {
        graph = { path: next };
        i++;
      } else graph = { path: null };
    } else rest.push(arg);
  }
  if (graph?.path === '') throw new UsageError(`--graph= names no file\n\n${usage}`);
  return { rest, graph };
}

export const explainCommand: Command = {
  async run(args) {
    const { rest, graph } = takeGraphOption(args);
    const { values, positionals } = parseCommandLine(rest, {}, usage);
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`name one .map or plan file\n\n${usage}`);
    const [file] = positionals;
    if (file.endsWith('.json')) {
      if (graph)
        throw new UsageError(
          `--graph draws a .map file, not the plan ${file} (a plan holds no table relationships): name the mapping instead`,
        );
      process.stdout.write(explainPlan(loadPlanFile(file, { allowEdited: true })));
      return 0;
    }
    const picturePath = graph ? (graph.path ?? `${file.replace(/\.map$/, '')}.svg`) : null;
    if (picturePath) checkOutputFile(picturePath, 'the picture (--graph)');
    const result = compile(file);
    process.stderr.write(renderDiagnostics(result.diagnostics, (f) => result.sources.get(f)));
    if (!result.plan) return 1;
    if (picturePath && result.schema) {
      writePicture(
        picturePath,
        await renderSvg(buildMappingGraph(result.schema, result.plan)),
        'the picture (--graph)',
      );
      process.stderr.write(`mapc explain: picture written to ${picturePath}\n`);
    }
    process.stdout.write(explainPlan(result.plan));
    return 0;
  },
};
