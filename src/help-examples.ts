import type { Command } from 'commander';

/**
 * Real invocations shown at the end of each command's `--help`, with what each is for. Kept
 * apart from program.ts so adding a flag there and an example here never touch the same lines; a
 * test checks every command has examples and that each flag in them exists.
 */
export const EXAMPLES: Record<string, Array<[invocation: string, why: string]>> = {
  init: [
    ['migrate init', "write migrate.yaml and .env.migrate from this directory's env and compose files"],
    ['migrate init --force', 'write them again over an existing migrate.yaml'],
  ],
  config: [
    ['migrate config', 'the resolved config, secrets redacted, and where each key came from'],
    ['migrate config --strict', 'in CI: exit 2 on any warning'],
    ['migrate config --json --config deploy/migrate.yaml', 'another config file, as JSON'],
  ],
  check: [
    ['migrate check', 'both providers: auth, models, chat, streaming, latency'],
    ['migrate check --provider target --samples 20', 'only the target, with more timed samples'],
    ['migrate check --max-p95 3000 --max-errors 0 --json', 'in CI: fail on a slow or failing node, one JSON document'],
  ],
  validate: [
    ['migrate validate', 'the suite on legacy and target side by side'],
    ['migrate validate --suite prompts.yaml --junit validate.xml', 'your own suite, with a JUnit report for CI'],
    ['migrate validate --provider target --min-pass-rate 0.95 --json report.json', 'target only; pass at 95 %, report to a file'],
    ['migrate validate --html validate.html --no-probes', 'the cases side by side in one HTML file, without the conformance probes'],
  ],
  backup: [
    ['migrate backup --env canary -m "before the ramp"', "snapshot canary's env files with a note"],
    ['migrate backup list --env canary', "canary's backups, newest first"],
    ['migrate backup list --json', 'every backup as JSON'],
  ],
  rollback: [
    ['migrate rollback --env canary', 'restore the backup from before the ramp, recreate, verify'],
    ['migrate rollback --env production --to 20261126T103012.345Z-production-3f9a --yes', 'a chosen backup, no prompt (CI)'],
    ['migrate rollback --env canary --no-restart --dry-run', 'show the file restores without doing them'],
  ],
  ramp: [
    ['migrate ramp --env canary', '5 → 20 → 50 → 100 %, gated; rolls back by itself on failure'],
    ['migrate ramp --env canary --resume', 'continue an interrupted ramp'],
    ['migrate ramp --env canary --shadow 10% --metrics-port 9477', 'behind the gateway: judge target on copies of 10 % of real requests first; progress for Prometheus'],
    ['migrate ramp --env production --validate --yes --json', 'in CI: validate first, no prompts, JSON Lines events'],
  ],
  status: [
    ['migrate status', "every environment's ramp"],
    ['migrate status --env canary --json', "canary's ramp, gates and containers as JSON"],
  ],
  report: [
    ['migrate report --env canary', 'the last ramp of canary as one HTML file: timelines, decisions, validation, cost'],
    ['migrate report --env canary --out /tmp/ramp.html', 'written where you say'],
  ],
  'nginx-config': [
    ['migrate nginx-config --env canary --weight 20', 'print the include for 20 % on target'],
    ['migrate nginx-config --env canary --weight 0 --write', 'write it (mode 0600) where traffic.file says'],
  ],
  gateway: [
    ['migrate gateway setup --env canary', 'add the llm-gateway service and point the app at it'],
    ['migrate gateway status --env canary', 'what nginx loaded and the traffic it saw'],
    ['migrate gateway remove --env canary --dry-run', 'show how the gateway would be taken out'],
  ],
  monitoring: [
    ['migrate monitoring --env canary --dry-run', 'list the mtail, blackbox, Prometheus and Grafana files it would write'],
    ['migrate monitoring --env canary --out ops/monitoring --force', 'write them elsewhere, replacing earlier ones'],
  ],
  doctor: [
    ['migrate doctor', 'everything this machine and project need, one line each'],
    ['migrate doctor --env canary --json', 'one environment, as JSON'],
  ],
  completion: [
    ['source <(migrate completion bash)', 'bash: add this line to ~/.bashrc'],
    ['migrate completion zsh > ~/.zfunc/_migrate', 'zsh: with fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc'],
    ['migrate completion fish > ~/.config/fish/completions/migrate.fish', 'fish: new shells load it from there'],
  ],
};

/** Appends an "Examples:" block to every command that has some. */
export function addExamples(program: Command): Command {
  for (const cmd of program.commands) {
    const examples = EXAMPLES[cmd.name()];
    if (examples) cmd.addHelpText('after', render(examples));
  }
  return program;
}

function render(examples: Array<[string, string]>): string {
  // The why above the line, as gh does: the invocation stays whole and copyable on narrow terminals.
  return `\nExamples:\n${examples.map(([invocation, why]) => `  # ${why}\n  ${invocation}`).join('\n')}`;
}
