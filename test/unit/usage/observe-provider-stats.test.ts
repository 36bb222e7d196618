/** The metrics a finish emits per provider for the dashboard's find rate and fee per find, as Powertools prints them. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

describe('Function: observeProviderStats', () => {
  it("emits a provider's finds, answers and fees, none for the cache, and passes every add to the store", () => {
    // Act
    const run = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['test/support/emit-provider-stats.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          POWERTOOLS_METRICS_DISABLED: 'false',
          POWERTOOLS_SERVICE_NAME: 'contact-enrichment',
        },
        encoding: 'utf8',
      },
    );
    const lines = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

    // Assess
    expect(run.status).toBe(0);
    const emitted = lines
      .filter((line) => line._aws)
      .map((line) => {
        const name = (line._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] })
          .CloudWatchMetrics[0]!.Metrics[0]!.Name;
        return [name, line.provider, line[name]];
      });
    expect(emitted).toEqual([
      ['ProviderFinds', 'hunter', 1],
      ['ProviderAnswers', 'hunter', 2],
      ['ProviderFeesUsd', 'hunter', 0.0149],
    ]);
    expect(lines.find((line) => line.added)).toEqual({ added: ['hunter', 'cache'] });
  });
});
