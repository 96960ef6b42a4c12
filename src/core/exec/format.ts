// Characters a POSIX shell reads literally; anything else gets single quotes.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument as a person would type it into sh. */
export function quoteArg(arg: string): string {
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
