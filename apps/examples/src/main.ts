import { COMMANDS } from './commands/index.js';
import { CliError, type Command, parseCommandArgs, UsageError } from './lib/cli.js';

const HINT = "Run 'pnpm examples help' for the list of commands.";

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: pnpm examples [command] [options]',
    '',
    'The chapter "Convolutions for Images" on Fovea, and beyond. Without a command, runs every cell',
    'of the chapter in order.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  this text, or 'help <command>' for one command (also <command> --help)`,
    '',
    "pnpm itself answers 'pnpm examples --help'; use 'pnpm examples help' instead.",
  ].join('\n');
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    throw new UsageError(
      `unknown command '${name}' (expected one of: ${COMMANDS.map((c) => c.name).join(', ')})`,
    );
  }
  return command;
}

/** The command being run, for the hint after a usage error. */
let current: Command | undefined;

async function main(argv: string[]): Promise<void> {
  // `pnpm examples -- --seed 1` passes the separator through.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const [first] = args;
  if (first === 'help' || first === '--help' || first === '-h') {
    console.log(args[1] === undefined ? overview() : findCommand(args[1]).usage);
    return;
  }
  const named = first !== undefined && !first.startsWith('-');
  const command = named ? findCommand(first) : COMMANDS[0];
  current = command;
  const { values, positionals } = parseCommandArgs(command, named ? args.slice(1) : args);
  if (values.help) {
    console.log(command.usage);
    return;
  }
  await command.run(values, positionals);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    const hint = current === undefined ? HINT : `Run 'pnpm examples ${current.name} --help' for its usage.`;
    console.error(`error: ${error.message}\n${hint}`);
  } else if (error instanceof CliError) {
    console.error(`error: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
