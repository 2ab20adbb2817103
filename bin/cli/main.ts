// `mapc <command>`: dispatches to one file per command, loaded only when it is used.
// Exit codes: what the command returns; for an error it throws, 2 for a usage error
// (UsageError: the command line is wrong) and 1 for any other failure, shown as its message
// (what, where, what to do), never a stack trace.
import { UsageError } from './parse-options.js';

export interface Command {
  run(args: string[]): Promise<number> | number;
}

interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

const COMMANDS: CommandEntry[] = [
  {
    name: 'compile',
    summary: 'check mappings and write their plans (JSON)',
    load: async () => (await import('./compile-command.js')).compileCommand,
  },
  {
    name: 'check',
    summary: 'check mappings and report diagnostics, writing nothing',
    load: async () => (await import('./compile-command.js')).checkCommand,
  },
  {
    name: 'explain',
    summary: 'show the plan of a mapping as a readable tree',
    load: async () => (await import('./explain-command.js')).explainCommand,
  },
  {
    name: 'graph',
    summary: 'draw a mapping: its tables, their roles in the plan and the item shape (SVG, Mermaid, DOT)',
    load: async () => (await import('./graph-command.js')).graphCommand,
  },
  {
    name: 'run',
    summary: 'run a plan on an extract: merge the items into DynamoDB, or preview them as NDJSON',
    load: async () => (await import('./run-command.js')).runCommand,
  },
  {
    name: 'job',
    summary: 'apply every new extract under an S3 prefix or folder to every mapping, in order (unattended)',
    load: async () => (await import('./job-command.js')).jobCommand,
  },
  {
    name: 'init',
    summary: 'create the control table (and, for local use, the target tables)',
    load: async () => (await import('./init-command.js')).initCommand,
  },
  {
    name: 'ledger',
    summary: 'list the extracts applied, failed or skipped per mapping; skip a broken one',
    load: async () => (await import('./ledger-command.js')).ledgerCommand,
  },
  {
    name: 'pending',
    summary: 'list the rows parked until their parent arrives',
    load: async () => (await import('./pending-command.js')).pendingCommand,
  },
  {
    name: 'fmt',
    summary: 'format .map files in the canonical layout',
    load: async () => (await import('./fmt-command.js')).fmtCommand,
  },
  {
    name: 'lsp',
    summary: 'the language server for editors (diagnostics, hover, completion…) on stdin/stdout',
    load: async () => (await import('./lsp-command.js')).lspCommand,
  },
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'mapc: compile .map mappings into join plans and run them on warehouse extracts',
    '',
    'usage: mapc <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `mapc <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    console.error(`mapc: unknown command \`${name}\`\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await entry.load()).run(rest);
  } catch (error) {
    console.error(`mapc ${name}: ${messageOf(error)}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/** What a thrown value says, without a stack: its message, or the value itself. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
