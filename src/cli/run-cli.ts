import { CommanderError } from 'commander';
import { ConfigError } from '../config/env';
import { DeskError } from '../errors';
import { CliError } from './cli-error';
import { buildProgram } from './program';

/** The exit code for an error, after one line on stderr; never a stack trace. */
function report(err: unknown): number {
  if (err instanceof CommanderError)
    // commander has printed its message (or the help) already
    return err.exitCode === 0 ? 0 : 2;
  const code = err instanceof CliError ? err.exitCode : err instanceof ConfigError ? 2 : 1;
  const message = err instanceof Error ? err.message : String(err);
  const expected =
    err instanceof CliError || err instanceof ConfigError || err instanceof DeskError;
  const kind = expected ? '' : 'unexpected error: ';
  process.stderr.write(`desk: ${kind}${message.split('\n')[0]}\n`);
  return code;
}

export async function runCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(async (action) => {
    exitCode = (await action()) ?? 0;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    return report(err);
  }
}
