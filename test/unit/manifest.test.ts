/**
 * Every manifest entry builds with exactly the settings it declares: a builder reading a setting its entry does
 * not declare throws, as it would at a deployed function's init (where only the declared settings are set).
 */
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { loadConfig } from '../../functions/config';
import { systemClock } from '../../functions/domain/clock';
import { FUNCTION_SPECS } from '../../functions/manifest';
import type { Platform } from '../../functions/manifest/define';
import { defaultSettings, environmentValue, envNameOf } from '../../functions/settings';

const platform = {
  workflow: { start: async () => undefined },
  executions: { start: async () => undefined, status: async () => 'not_found' },
  webhooks: { enqueue: async () => undefined },
  deliveries: {},
  providers: { keys: async () => ({}) },
  sending: {},
  reference: { rendererScriptPath: __filename, documentPath: __filename },
} as unknown as Platform;

describe('The manifest entries', () => {
  const db = createDocumentClient({ endpoint: 'http://127.0.0.1:9' });
  afterAll(() => db.destroy());

  it.each(FUNCTION_SPECS.map((spec) => [spec.name, spec] as const))(
    '%s builds on the settings it declares alone',
    (_name, spec) => {
      // Prepare
      const defaults = defaultSettings();
      const env = Object.fromEntries(
        spec.settings.map((name) => [envNameOf(name), environmentValue(name, defaults[name])]),
      );
      const config = loadConfig({ ...env, TABLE_NAME: 'table' }, { declared: spec.settings });

      // Act
      const build = () => spec.build({ config, db, clock: systemClock }, platform);

      // Assess
      expect(build).not.toThrow();
      expect(typeof build()).toBe('function');
    },
  );

  it('refuses a deployed function whose declared setting is missing, naming its variable', () => {
    // Act
    const load = () => loadConfig({ TABLE_NAME: 'table' }, { declared: ['waterfall'] });

    // Assess
    expect(load).toThrow(/WATERFALL_CONFIG: is not set/);
  });

  it('refuses to read a setting the entry does not declare', () => {
    // Prepare
    const config = loadConfig(
      {
        WATERFALL_CONFIG: '{"order":{"email":[],"phone":[],"personal_email":[]},"prices":{},"verifier":null}',
      },
      { declared: ['waterfall'] },
    );

    // Act
    const read = () => config.maxEnrichmentSeconds;

    // Assess
    expect(config.waterfall.verifier).toBeNull();
    expect(read).toThrow(/maxEnrichmentSeconds without declaring it/);
  });
});
