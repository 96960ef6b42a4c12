// Runs one fake provider until SIGINT/SIGTERM, for the demo, benchmarks and containers:
//   node dist/testing/fake-provider-cli.js --port 8101 --name legacy --key sk-legacy-demo \
//     --latency 20 [--error-rate 0.2 --error-status 503] [--faults '{"hang":{"rate":0.1}}']
// Prints the base URL on stdout; faults can be changed later via POST /_fake/faults.
import { parseArgs } from 'node:util';
import { startFakeProvider } from './fake-provider.js';
import { parseFaultsPatch, type Faults } from './faults-schema.js';

const USAGE = `usage: fake-provider [--host H] [--port N] [--name NAME] [--key KEY] [--models a,b]
  [--latency MS | --latency MIN..MAX] [--error-rate R] [--error-status S] [--seed N] [--faults JSON]`;

function faultsFrom(values: Record<string, string | undefined>): Faults {
  const faults: Record<string, unknown> = values.faults ? parseFaultsPatch(JSON.parse(values.faults)) : {};
  if (values.latency !== undefined) {
    const [min, max] = values.latency.split('..').map(Number);
    faults.latency = max === undefined ? min : { min, max };
  }
  if (values['error-rate'] !== undefined) {
    faults.error = { rate: Number(values['error-rate']), status: Number(values['error-status'] ?? 503) };
  }
  if (values.seed !== undefined) faults.seed = Number(values.seed);
  return parseFaultsPatch(faults) as Faults;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      name: { type: 'string' },
      key: { type: 'string' },
      models: { type: 'string' },
      latency: { type: 'string' },
      'error-rate': { type: 'string' },
      'error-status': { type: 'string' },
      seed: { type: 'string' },
      faults: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const provider = await startFakeProvider({
    host: values.host,
    port: values.port === undefined ? 0 : Number(values.port),
    name: values.name,
    apiKey: values.key,
    models: values.models
      ?.split(',')
      .map((m) => m.trim())
      .filter(Boolean),
    faults: faultsFrom(values as Record<string, string | undefined>),
  });
  process.stdout.write(`${provider.url}\n`);
  const stop = (): void => {
    void provider.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`fake-provider: ${error.message}\n${USAGE}\n`);
  process.exit(2);
});
