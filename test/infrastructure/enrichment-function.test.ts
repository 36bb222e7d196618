import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTION_NAMES, FUNCTION_SPECS, type FunctionName } from '../../functions/manifest';
import {
  defaultSettings,
  environmentValue,
  envNameOf,
  RUNTIME_SETTING_NAMES,
} from '../../functions/settings';
import { BUNDLE_BUDGET_KIB, DATA_FILES } from '../../lib/bundling';
import { EnrichmentFunction } from '../../lib/constructs/enrichment-function';
import { PROJECT_ROOT, propertiesOf, resourcesOf, synthesize, type Synthesized } from './synthesize';

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

describe('Construct: EnrichmentFunction', () => {
  let synthesized: Synthesized;
  let functions: EnrichmentFunction[];

  /** The statements of the role policy attached to `fn`'s role. */
  function statementsOf(fn: EnrichmentFunction): Statement[] {
    const roleId = synthesized.logicalId(fn.role!);
    const policies = Object.values(resourcesOf(synthesized.template, 'AWS::IAM::Policy')).filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
      ),
    );
    return policies.flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
  }

  function fnNamed(handlerFile: FunctionName): EnrichmentFunction {
    const fn = functions.find((candidate) => entryOf(candidate) === handlerFile);
    if (!fn) throw new Error(`No function for ${handlerFile}`);
    return fn;
  }

  /** Which handler file a function was built from, read back from its asset's source map. */
  const entries = new Map<EnrichmentFunction, string>();
  function entryOf(fn: EnrichmentFunction): string {
    return entries.get(fn) ?? '';
  }

  function assetDirOf(fn: EnrichmentFunction): string {
    const code = propertiesOf(synthesized.template, synthesized.logicalId(fn)).Code as { S3Key: string };
    return join(synthesized.assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  }

  beforeAll(() => {
    synthesized = synthesize({ bundle: true });
    functions = synthesized.stack.node
      .findAll()
      .filter((construct): construct is EnrichmentFunction => construct instanceof EnrichmentFunction);
    for (const fn of functions) {
      const map = JSON.parse(readFileSync(join(assetDirOf(fn), 'index.js.map'), 'utf8')) as {
        sources: string[];
      };
      const entry = FUNCTION_NAMES.find((file) =>
        map.sources.some((source) => source.endsWith(`functions/manifest/${file}.ts`)),
      );
      entries.set(fn, entry ?? '');
    }
  }, 300_000);

  afterAll(() => synthesized.dispose());

  it('deploys each manifest entry as exactly one function, bundled from its own entry file', () => {
    // Assess
    expect(functions.map(entryOf).sort()).toEqual([...FUNCTION_NAMES].sort());
    expect(functions.map((fn) => fn.spec.name).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const fn of functions) expect(entryOf(fn)).toBe(fn.spec.name);
    for (const file of FUNCTION_NAMES) {
      expect(existsSync(join(PROJECT_ROOT, 'functions', 'manifest', `${file}.ts`))).toBe(true);
    }
  });

  it('runs every function on nodejs22.x, arm64, with active X-Ray tracing', () => {
    // Act: the product's functions (the deletion protection custom resource brings the CDK's own).
    const ids = new Set(functions.map((fn) => synthesized.logicalId(fn)));
    const lambdas = Object.entries(resourcesOf(synthesized.template, 'AWS::Lambda::Function'))
      .filter(([id]) => ids.has(id))
      .map(([, lambda]) => lambda);

    // Assess
    expect(lambdas).toHaveLength(FUNCTION_NAMES.length);
    for (const lambda of lambdas) {
      expect(lambda.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
      });
    }
  });

  it('gives every function the Powertools settings and source-mapped stack traces', () => {
    for (const fn of functions) {
      // Act
      const env = (
        propertiesOf(synthesized.template, synthesized.logicalId(fn)).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;

      // Assess
      expect(env).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'contact-enrichment',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'ContactEnrichment',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('logs each function to a log group of its own, kept for the configured retention', () => {
    // Act
    const logGroupIds = functions.map((fn) => {
      const logging = propertiesOf(synthesized.template, synthesized.logicalId(fn)).LoggingConfig as {
        LogGroup: { Ref: string };
      };
      return logging.LogGroup.Ref;
    });

    // Assess
    expect(new Set(logGroupIds).size).toBe(functions.length);
    for (const id of logGroupIds) {
      expect(propertiesOf(synthesized.template, id)).toMatchObject({ RetentionInDays: 30 });
    }
  });

  it('lets each function write its own log group only, without the AWS managed basic execution policy', () => {
    for (const fn of functions) {
      // Act
      const role = propertiesOf(synthesized.template, synthesized.logicalId(fn.role!));
      const logStatements = statementsOf(fn).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('logs:')),
      );

      // Assess
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(logStatements).toEqual([
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [synthesized.logicalId(fn.logGroup), 'Arn'] },
        },
      ]);
    }
  });

  it.each(FUNCTION_SPECS.map((spec) => [spec.name, spec] as const))(
    'grants %s exactly the table actions and settings its manifest entry declares',
    (_name, spec) => {
      // Act
      const fn = fnNamed(spec.name as FunctionName);
      const onTable = statementsOf(fn).filter(
        (statement) =>
          actionsOf(statement).some((action) => action.startsWith('dynamodb:')) &&
          !JSON.stringify(statement.Resource).includes('/index/'),
      );
      const env = (
        propertiesOf(synthesized.template, synthesized.logicalId(fn)).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;

      // Assess
      const settingVariables = RUNTIME_SETTING_NAMES.map(envNameOf).filter((name) => name in env);
      expect(settingVariables.sort()).toEqual(
        spec.settings
          .filter((name) => environmentValue(name, defaultSettings()[name]) !== '')
          .map(envNameOf)
          .sort(),
      );
      if (!spec.table.length) {
        expect(onTable).toEqual([]);
        expect(env.TABLE_NAME).toBeUndefined();
        return;
      }
      expect(onTable).toHaveLength(1);
      expect(actionsOf(onTable[0]!).sort()).toEqual(
        [...new Set(spec.table)].sort().map((a) => `dynamodb:${a}`),
      );
      expect(onTable[0]!.Resource).toEqual({
        'Fn::GetAtt': [synthesized.logicalId(synthesized.stack.storage.table), 'Arn'],
      });
      expect(env.TABLE_NAME).toEqual({ Ref: synthesized.logicalId(synthesized.stack.storage.table) });
    },
  );

  it('lets only the sweeper query the pending index, and no function scan', () => {
    // Act
    const onIndexes = functions.filter((fn) =>
      statementsOf(fn).some((statement) => JSON.stringify(statement.Resource).includes('/index/')),
    );

    // Assess
    expect(onIndexes.map((fn) => fn.spec.name)).toEqual(['sweep-pending']);
    for (const fn of functions) expect(statementsOf(fn).flatMap(actionsOf)).not.toContain('dynamodb:Scan');
  });

  it('bundles each handler with local esbuild into one minified file with an external source map', () => {
    for (const fn of functions) {
      // Act
      const files = readdirSync(assetDirOf(fn)).sort();
      const code = readFileSync(join(assetDirOf(fn), 'index.js'), 'utf8');
      const lines = code.split('\n');

      // Assess: minified code has very long lines (only template literals keep their line breaks).
      // The API reference serves Redoc's script, which is copied beside its bundle; ProviderStep reads the
      // phone metadata from node_modules/ beside its bundle.
      const served = fn.spec.name === 'api-reference' ? ['openapi.json', 'redoc.standalone.js'] : [];
      const data = fn.spec.name === 'provider-step' ? ['node_modules'] : [];
      expect(files).toEqual(['index.js', 'index.js.map', ...served, ...data].sort());
      for (const file of served) {
        // Served as one Lambda response: well under its 6 MB limit, with room for JSON escaping.
        expect(statSync(join(assetDirOf(fn), file)).size).toBeLessThan(3 * 1024 * 1024);
      }
      expect(code.length / lines.length).toBeGreaterThan(2_000);
      expect(code.slice(-100)).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
    }
  });

  it('leaves the AWS SDK to the runtime and requires nothing else its asset does not carry', () => {
    for (const fn of functions) {
      // Act
      const code = readFileSync(join(assetDirOf(fn), 'index.js'), 'utf8');
      const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]!);
      const sources = (
        JSON.parse(readFileSync(join(assetDirOf(fn), 'index.js.map'), 'utf8')) as { sources: string[] }
      ).sources;

      // Assess: no SDK code in the bundle; what it requires is the runtime's SDK, a data file copied beside it,
      // or an optional SDK add-on (e.g. the CRT signer) the SDK asks for inside a try and this project does
      // not install.
      expect(sources.filter((source) => /node_modules\/@(aws-sdk|smithy)\//.test(source))).toEqual([]);
      for (const name of required.filter((name) => !isBuiltin(name) && isInstalled(name))) {
        if (/^@(aws-sdk|smithy)\//.test(name)) continue;
        expect(DATA_FILES).toContain(name);
        expect(fn.spec.copyFiles).toContain(`node_modules/${name}`);
        expect(readFileSync(join(assetDirOf(fn), 'node_modules', name))).toEqual(
          readFileSync(join(PROJECT_ROOT, 'node_modules', name)),
        );
      }
    }
  });

  it(`keeps every bundle within the budget of ${BUNDLE_BUDGET_KIB} KiB`, () => {
    for (const fn of functions) {
      // Act
      const kib = statSync(join(assetDirOf(fn), 'index.js')).size / 1024;

      // Assess: the function is named when it fails.
      expect({ function: fn.spec.name, withinBudget: kib <= BUNDLE_BUDGET_KIB }).toEqual({
        function: fn.spec.name,
        withinBudget: true,
      });
    }
  });

  describe('in a runtime that provides the AWS SDK and nothing else of the project', () => {
    let runtimeModules: string;
    beforeAll(() => {
      runtimeModules = runtimeWithoutOwnDependencies();
    });
    afterAll(() => rmSync(join(runtimeModules, '..'), { recursive: true, force: true }));

    it('loads every function and the data files it reads', () => {
      for (const fn of functions) {
        // Act
        const loaded = loadIn(assetDirOf(fn), runtimeModules);

        // Assess
        expect({ function: fn.spec.name, status: loaded.status, stderr: loaded.stderr }).toEqual({
          function: fn.spec.name,
          status: 0,
          stderr: '',
        });
      }
    });

    it('finds no phone metadata for ProviderStep when the file is not beside its bundle', () => {
      // Prepare: the bundle alone, without the node_modules/ its asset carries.
      const bare = mkdtempSync(join(tmpdir(), 'bare-provider-step-'));
      try {
        cpSync(join(assetDirOf(fnNamed('provider-step')), 'index.js'), join(bare, 'index.js'));

        // Act
        const loaded = loadIn(bare, runtimeModules);

        // Assess
        expect(loaded.status).not.toBe(0);
        expect(loaded.stderr).toContain("Cannot find module 'libphonenumber-js/metadata.max.json'");
      } finally {
        rmSync(bare, { recursive: true, force: true });
      }
    });
  });
});

/**
 * A node_modules standing for the runtime's: every installed package except the project's own dependencies
 * (package.json `dependencies`), which a bundle must carry, the AWS SDK clients excepted.
 */
function runtimeWithoutOwnDependencies(): string {
  const own = Object.keys(
    (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: object })
      .dependencies,
  ).filter((name) => !name.startsWith('@aws-sdk/'));
  const modules = join(mkdtempSync(join(tmpdir(), 'lambda-runtime-')), 'node_modules');
  mkdirSync(modules);
  const installed = join(PROJECT_ROOT, 'node_modules');
  for (const entry of readdirSync(installed)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@')
      ? readdirSync(join(installed, entry)).map((name) => `${entry}/${name}`)
      : [entry];
    for (const name of names.filter((candidate) => !own.includes(candidate))) {
      mkdirSync(join(modules, name, '..'), { recursive: true });
      symlinkSync(join(installed, name), join(modules, name));
    }
  }
  return modules;
}

/**
 * `require` of the bundle in `dir`, as Lambda's runtime does, with `runtimeModules` as its NODE_PATH; then of each
 * data file the bundle requires when first needed, from where the bundle requires it.
 */
function loadIn(dir: string, runtimeModules: string): SpawnSyncReturns<string> {
  const bundle = join(dir, 'index.js');
  const code = readFileSync(bundle, 'utf8');
  const data = DATA_FILES.filter((file) => code.includes(`require("${file}")`));
  const script =
    `require(${JSON.stringify(bundle)});` +
    `const fromBundle = require('node:module').createRequire(${JSON.stringify(bundle)});` +
    `for (const file of ${JSON.stringify(data)}) fromBundle(file);`;
  return spawnSync(process.execPath, ['--enable-source-maps', '-e', script], {
    cwd: dir,
    env: { PATH: process.env.PATH, NODE_PATH: runtimeModules, AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

function isInstalled(name: string): boolean {
  try {
    require.resolve(name, { paths: [PROJECT_ROOT] });
    return true;
  } catch {
    return false;
  }
}
