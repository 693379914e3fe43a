/**
 * The `cdk-vpc-peering-external` command:
 *
 *   cdk-vpc-peering-external explain <assembly> [--format table|mermaid|json]
 *   cdk-vpc-peering-external diff <old assembly> <new assembly> [--format text|json]
 *
 * Exit codes: 0 nothing widened and no window; 1 (`diff`) the policy widens, a peering is added, or a deploy between
 * the two has a window (or cannot be analysed); 2 usage error or unreadable assembly.
 */
import { AssemblyError, readAssembly } from './assembly';
import { diffAssemblies, renderDiff } from './diff';
import { explainAssembly } from './explain';
import { Format, FORMATS, renderExplain } from './render';

/** Where the command writes. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Nothing widened, no window. */
export const EXIT_OK = 0;
/** The policy widens or a deploy between the assemblies has a window. */
export const EXIT_WIDENED = 1;
/** Usage error, or an assembly that cannot be read. */
export const EXIT_USAGE = 2;

const USAGE = `Usage:
  cdk-vpc-peering-external explain <cloud assembly dir> [--format table|mermaid|json]
  cdk-vpc-peering-external diff <old assembly dir> <new assembly dir> [--format text|json]

explain  every peering of every stack: its subnets, route tables and NACLs, and what each NACL allows and denies
         to and from the external blocks, evaluated as AWS evaluates NACL rules
diff     the change in policy terms, and per stack whether any state of the CloudFormation update between the two
         (update, cleanup, rollback) is more open than before and after, or drops traffic allowed in both

Exit codes: 0 nothing widened and no window; 1 a widening or a window; 2 usage error, or an assembly that cannot be read or evaluated.
`;

/** Runs the command with `argv` (the arguments after the command name); returns the exit code. */
export function main(argv: readonly string[], io: CliIo): number {
  const args = [...argv];
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    (args.length === 0 ? io.stderr : io.stdout)(USAGE);
    return args.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  let format: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--format' || arg === '-f') {
      format = args[++i];
      if (format === undefined) return usage(io, `${arg} needs a value`);
    } else if (arg.startsWith('--format=')) {
      format = arg.slice('--format='.length);
    } else if (arg.startsWith('-')) {
      return usage(io, `unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  const [command, ...rest] = positional;
  try {
    if (command === 'explain') {
      if (rest.length !== 1) return usage(io, `explain takes one cloud assembly directory, got ${rest.length}`);
      const f = format ?? 'table';
      if (!(FORMATS as readonly string[]).includes(f)) return usage(io, `--format ${f} is not one of ${FORMATS.join(', ')}`);
      const report = explainAssembly(readAssembly(rest[0]));
      io.stdout(renderExplain(report, f as Format));
      const failed = report.stacks.filter((s) => s.error !== undefined).map((s) => s.displayName);
      if (failed.length > 0) {
        io.stderr(`cdk-vpc-peering-external: ${failed.join(', ')} cannot be evaluated (see above)\n`);
        return EXIT_USAGE;
      }
      return EXIT_OK;
    }
    if (command === 'diff') {
      if (rest.length !== 2) return usage(io, `diff takes two cloud assembly directories (old, new), got ${rest.length}`);
      const f = format ?? 'text';
      if (f !== 'text' && f !== 'json') return usage(io, `--format ${f} is not one of text, json`);
      const report = diffAssemblies(readAssembly(rest[0]), readAssembly(rest[1]));
      io.stdout(f === 'json' ? `${JSON.stringify(report, undefined, 2)}\n` : renderDiff(report));
      return report.widened || report.window ? EXIT_WIDENED : EXIT_OK;
    }
    return usage(io, command === undefined ? 'no command given' : `unknown command ${command}`);
  } catch (e) {
    // An assembly that cannot be read, or anything in it the command cannot evaluate: a message, never a stack trace,
    // and never exit 1 (which says "widened").
    io.stderr(`cdk-vpc-peering-external: ${e instanceof AssemblyError ? '' : 'cannot evaluate the assembly: '}${(e as Error)?.message ?? String(e)}\n`);
    return EXIT_USAGE;
  }
}

/** Entry point of the bin: `process.argv`, the console, `process.exitCode`. */
export function run(): void {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}

function usage(io: CliIo, problem: string): number {
  io.stderr(`cdk-vpc-peering-external: ${problem}\n\n${USAGE}`);
  return EXIT_USAGE;
}
