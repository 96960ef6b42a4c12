// What nginx sees, read from `nginx -T`: the split of each environment's split_clients block.
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunner } from '../helpers/run.js';
import { loadedWeights } from '../../src/core/traffic/nginx-loaded.js';
import { nginxDriver } from '../../src/core/traffic/nginx.js';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { NGINX_BIN, startNginx } from '../helpers/nginx.js';
import { onCleanup, tempProject } from '../helpers/project.js';

const providers = {
  legacy: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-legacy-0000000000001111' },
  target: { baseUrl: 'http://127.0.0.1:10/v1', apiKey: 'hs-target-0000000000002222' },
};
const include = (environment: string, weight: number) => renderNginxInclude({ environment, weight, splitKey: '$request_id', providers });
const dump = (...files: string[]) => files.map((f, i) => `# configuration file /etc/nginx/conf.d/${i}.conf:\n${f}`).join('\n');

describe('loadedWeights', () => {
  it.each([0, 5, 12.5, 50, 100])('reads %s %% back from a rendered include', (weight) => {
    expect(loadedWeights(dump(include('canary', weight)), 'canary')).toEqual([weight]);
  });

  it("reads only the environment's block, and ignores the weight written in comments", () => {
    const text = dump(include('prod', 100), include('canary', 20).replace('# migrate-weight: 20', '# migrate-weight: 90'));
    expect(loadedWeights(text, 'canary')).toEqual([20]);
    expect(loadedWeights(text, 'prod')).toEqual([100]);
  });

  it('finds nothing when nginx does not load the include', () => {
    expect(loadedWeights(dump('events {}\nhttp {}\n'), 'canary')).toEqual([]);
  });
});

describe('nginx driver: checks what nginx sees (real nginx)', () => {
  it('fails the step when nginx does not load the file it wrote, naming the file and what nginx holds', async () => {
    const rig = await startNginx({ include: include('canary', 0), server: renderLocation('canary') });
    onCleanup(() => rig.stop());
    const elsewhere = tempProject('nginx-elsewhere-');
    // The driver is pointed at a copy nginx never reads (a wrong path, or a container's stale mount).
    const file = path.join(elsewhere, 'migrate.conf');
    await copyFile(rig.includeFile, file);
    const driver = nginxDriver({ environment: 'canary', file, binary: NGINX_BIN, args: rig.args, splitKey: '$request_id', providers, reloadSettleMs: 0 });
    const attempt = driver.apply(20, { run: createRunner() });
    await expect(attempt).rejects.toThrow(`nginx does not see the split migrate wrote: ${file} says 20% to target, but \`nginx -T\` shows 0% to target`);
    await expect(attempt).rejects.toMatchObject({ exitCode: 1 });
    // The file it does load reports its real split: applying there passes.
    const right = nginxDriver({ environment: 'canary', file: rig.includeFile, binary: NGINX_BIN, args: rig.args, splitKey: '$request_id', providers, reloadSettleMs: 0 });
    expect(await right.apply(20, { run: createRunner() })).toEqual({ appliedWeight: 20 });
  }, 30_000);
});
