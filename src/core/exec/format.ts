// Characters a POSIX shell reads literally; anything else gets single quotes.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument as a person would type it into sh. */
function quoteArg(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line a person can copy and paste (dry-run output, "run this next" hints).
 * Display only: the runner never hands a string to a shell.
 */
export function formatArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

/** A configured command: a list is argv as written; a string is a shell line the user wrote for sh. */
export function commandArgv(command: string | readonly string[]): string[] {
  return typeof command === 'string' ? ['sh', '-c', command] : [...command];
}
