import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createIo, EXIT, UsageError, type Io } from './io.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { isRaError } from '../domain/shared/ra-error.ts';
import { runInit } from './commands/init.ts';
import { runRosterImport } from './commands/roster-import.ts';
import { runOfficer } from './commands/officer.ts';
import { runOutsider } from './commands/outsider.ts';
import { runRequests } from './commands/requests.ts';
import { runAuditVerify } from './commands/audit.ts';
import { runDemo } from './commands/demo.ts';

export interface CommandContext {
  readonly io: Io;
  readonly args: readonly string[];
  config(): Promise<Config>;
}

type Command = (ctx: CommandContext) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  init: runInit,
  roster: (ctx) => sub(ctx, { import: runRosterImport }),
  officer: runOfficer,
  outsider: runOutsider,
  requests: runRequests,
  audit: (ctx) => sub(ctx, { verify: runAuditVerify }),
  demo: runDemo,
  // The mail stack (imapflow, mailparser, nodemailer) loads only for the commands that use it.
  mail: async (ctx) => (await import('./commands/mail.ts')).runMail(ctx),
  serve: async (ctx) => (await import('./commands/serve.ts')).runServe(ctx),
  reminders: async (ctx) => (await import('./commands/reminders.ts')).runReminders(ctx),
  cert: async (ctx) => (await import('./commands/cert.ts')).runCert(ctx),
  oversight: async (ctx) => (await import('./commands/oversight.ts')).runOversight(ctx),
  report: async (ctx) => (await import('./commands/report.ts')).runReport(ctx),
  // Personal-data duties (UU 27/2022) and the master-key rotation.
  person: async (ctx) => (await import('./commands/person.ts')).runPerson(ctx),
  retention: async (ctx) => (await import('./commands/retention.ts')).runRetention(ctx),
  vault: async (ctx) => (await import('./commands/vault.ts')).runVault(ctx),
};

async function sub(ctx: CommandContext, table: Readonly<Record<string, Command>>): Promise<number> {
  const [name, ...rest] = ctx.args;
  const command = name ? table[name] : undefined;
  if (!command) throw new UsageError('CLI.UNKNOWN_SUBCOMMAND', { given: name ?? '', expected: Object.keys(table).join(', ') });
  return command({ ...ctx, args: rest });
}

/** Parses flags with node:util; unknown flags are usage errors, not silently ignored. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError('CLI.BAD_FLAG', { detail: (e as Error).message.split('\n')[0] ?? '' });
  }
}

/** A flag's value as quoted back in a refusal: one line (control and format characters become spaces), at most `max` characters. */
export const oneLine = (s: string, max = 60): string => s.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').slice(0, max);

/**
 * A flag's whole number from `min` to `max`, written in digits only and no more of them than `max` has
 * (spaces around are fine); null otherwise.
 */
export function wholeNumberWithin(text: string, min: number, max: number): number | null {
  const digits = text.trim();
  if (!new RegExp(`^\\d{1,${String(max).length}}$`).test(digits)) return null;
  const n = Number(digits);
  return n >= min && n <= max ? n : null;
}

/** `ra-desk …`: returns the exit code (0 ok, 1 failure, 2 bad usage or input). */
export async function main(argv: readonly string[], io: Io = createIo()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === 'help') {
    io.out(io.t.message('CLI.HELP'));
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  let config: Config | undefined;
  try {
    if (!command) throw new UsageError('CLI.UNKNOWN_COMMAND', { given: name });
    return await command({ io, args, config: async () => (config ??= await loadConfig()) });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ra-desk: ${io.t.message(e.code, e.params)}`);
      return EXIT.usage;
    }
    if (e instanceof ConfigError) {
      io.err(`ra-desk: ${e.message}`);
      return EXIT.usage;
    }
    // Codes and messages of RaError carry no personal data by construction; anything else is shown by class only.
    io.err(`ra-desk: ${isRaError(e) ? `${e.code}: ${e.message}` : io.t.message('CLI.UNEXPECTED', { kind: e instanceof Error ? e.name : typeof e })}`);
    return EXIT.failure;
  }
}
