// `mapc graph`: the mapping as a picture (source tables and their roles, the item's shape),
// as SVG (Graphviz in WebAssembly, in this process), Mermaid text or DOT text.
import { compile } from '../../compiler/compile.js';
import { renderDiagnostics } from '../../compiler/diagnostics/render.js';
import { buildMappingGraph } from '../../compiler/graph/build-graph.js';
import { GRAPH_FORMATS, graphFormatOfPath, renderGraph, type GraphFormat } from '../../compiler/graph/render-graph.js';
import { checkOutputFile } from '../../runtime/sinks/output-file.js';
import type { Command } from './main.js';
import { parseCommandLine, UsageError } from './parse-options.js';
import { writePicture } from './write-picture.js';

const usage = `usage: mapc graph <file.map> [--format svg|mermaid|dot] [--out FILE] [--allow-absolute-imports]

Draws the mapping: the source tables with their keys and relationships, coloured by what the
plan does with each (streamed, grouped, held for lookups, skipped), and each item's shape as a
tree (collections, lookups, aggregates, keep, require), with a legend. SVG is laid out by
Graphviz compiled to WebAssembly, in this process (no system binary needed); Mermaid and DOT
are text. Without --format the format follows the --out extension (.svg, .mmd or .mermaid,
.dot or .gv); without either it is SVG. Without --out the picture goes to standard output.
Exit code: 0 drawn, 1 errors in the mapping (reported as by \`mapc check\`) or an unwritable
--out, 2 bad usage.`;

function chooseFormat(format: string | undefined, out: string | undefined): GraphFormat {
  if (format !== undefined) {
    if (!(GRAPH_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format is svg, mermaid or dot, not ${format}`);
    return format as GraphFormat;
  }
  if (out === undefined) return 'svg';
  const fromPath = graphFormatOfPath(out);
  if (!fromPath)
    throw new UsageError(
      `cannot tell the format from the name ${out}: end it in .svg, .mmd or .dot, or give --format svg|mermaid|dot`,
    );
  return fromPath;
}

export const graphCommand: Command = {
  async run(args) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        format: { type: 'string' },
        out: { type: 'string', short: 'o' },
        'allow-absolute-imports': { type: 'boolean' },
      },
      usage,
    );
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`name one .map file\n\n${usage}`);
    const [file] = positionals;
    if (!file.endsWith('.map'))
      throw new UsageError(`mapc graph draws a .map file, not ${file} (a plan holds no table relationships to draw)`);
    const format = chooseFormat(values.format, values.out);
    if (values.out) checkOutputFile(values.out, 'the picture (--out)');

    const result = compile(file, { allowAbsoluteImports: values['allow-absolute-imports'] });
    process.stderr.write(renderDiagnostics(result.diagnostics, (f) => result.sources.get(f)));
    if (!result.plan || !result.schema) return 1;
    const picture = await renderGraph(buildMappingGraph(result.schema, result.plan), format);
    if (values.out) writePicture(values.out, picture, 'the picture (--out)');
    else process.stdout.write(picture);
    return 0;
  },
};
