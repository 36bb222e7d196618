/**
 * How a function's code is bundled, decided once: the function construct (constructs/enrichment-function.ts)
 * deploys with these esbuild options, `npm run bench` measures bundles built with them (bench/cold-start.ts), and
 * test/infrastructure/enrichment-function.test.ts holds every bundle to the budget.
 */
import type { BuildOptions } from 'esbuild';

/** The most a function's minified bundle may weigh: less code to fetch, compile and run at each cold start. */
export const BUNDLE_BUDGET_KIB = 250;

/**
 * Left to the nodejs22.x runtime, which ships the AWS SDK for JavaScript v3: its clients (`@aws-sdk/*`) and the
 * `@smithy/*` packages they are built on, at the runtime's version rather than the lock file's (README
 * "Performance and cost" weighs the two).
 */
export const RUNTIME_MODULES = ['@aws-sdk/*', '@smithy/*'];

/**
 * Data a function reads at run time rather than carrying in its bundle: the construct copies each file a
 * function's manifest entry lists in `copyFiles` (as `node_modules/<file>`) to that path beside its bundle, where
 * `require` finds it. The phone metadata (libphonenumber-js's `max`, 150 KiB) is JSON: read by `JSON.parse`,
 * not compiled as code.
 */
export const DATA_FILES = ['libphonenumber-js/metadata.max.json'];

/** Whether a `copyFiles` path (from the project root) is one of the DATA_FILES. */
export const isDataFile = (file: string): boolean =>
  DATA_FILES.some((data) => file === `node_modules/${data}`);

/** The esbuild options of every function (besides entry and output). */
export const BUNDLING = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // The ES module builds of Powertools and the other dependencies let esbuild drop what a handler never calls.
  mainFields: ['module', 'main'],
  external: [...RUNTIME_MODULES, ...DATA_FILES],
  minify: true,
  // Error names are matched by the state machine's Retry/Catch and read in logs: minifying must not rename the
  // classes they come from.
  keepNames: true,
  // Linked: the `sourceMappingURL` comment is how --enable-source-maps finds the map.
  sourcemap: 'linked',
  // Stack traces only need the mappings; the embedded sources would double the asset.
  sourcesContent: false,
} as const satisfies BuildOptions;
