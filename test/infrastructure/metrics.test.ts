/**
 * Every alarm and graph fed by the metrics exactly as the functions emit them. The metrics are emitted through the
 * functions' own code under each function's environment from the synthesized template, and the EMF Powertools
 * prints is read back; every custom-namespace metric an alarm or the dashboard asks for must be one of them
 * (namespace, name, and the very dimension set, values of `service` included). The metric a log metric filter
 * makes is checked the same way, from real log lines run through the filter's pattern.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { METRICS_NAMESPACE } from '../../functions/handlers/observability';
import { PROJECT_ROOT, resourcesOf, synthesize, type Synthesized } from './synthesize';

interface MetricIdentity {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

const identity = (metric: MetricIdentity) =>
  `${metric.namespace} ${metric.name} [${Object.keys(metric.dimensions).sort().join(',')}]`;

/** What the functions print under `environment`: EMF documents and log lines. */
function emitUnder(environment: Record<string, string>): Record<string, unknown>[] {
  const run = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['test/support/emit-metrics.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      ...environment,
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The metrics of EMF documents, with their dimension values. */
function emfMetrics(lines: Record<string, unknown>[]): MetricIdentity[] {
  return lines.flatMap((line) => {
    const aws = line._aws as
      | { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }
      | undefined;
    if (!aws) return [];
    return aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Dimensions.flatMap((set) =>
        directive.Metrics.map((metric) => ({
          namespace: directive.Namespace,
          name: metric.Name,
          dimensions: Object.fromEntries(set.map((name) => [name, String(line[name])])),
        })),
      ),
    );
  });
}

/** `{ $.a = "x" && $.b = "y" }`, the form the stack's filters use, applied to a JSON log line. */
function matchesFilter(pattern: string, line: Record<string, unknown>): boolean {
  const terms = [...pattern.matchAll(/\$\.(\w+)\s*=\s*"([^"]*)"/g)];
  if (!terms.length) throw new Error(`Unsupported filter pattern ${pattern}`);
  return terms.every(([, field, value]) => line[field!] === value);
}

describe('Monitoring joined to the emitted metrics', () => {
  let synthesized: Synthesized;
  let emitted: MetricIdentity[];
  let logLines: Record<string, unknown>[];

  beforeAll(() => {
    synthesized = synthesize({ context: { alarmEmail: 'ops@example.com' } });
    // Each distinct Powertools environment of the deployed functions (they share one today).
    const environments = new Map<string, Record<string, string>>();
    for (const fn of Object.values(resourcesOf(synthesized.template, 'AWS::Lambda::Function'))) {
      const variables =
        (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      const powertools = Object.fromEntries(
        Object.entries(variables).filter(
          (entry): entry is [string, string] =>
            entry[0].startsWith('POWERTOOLS_') && typeof entry[1] === 'string',
        ),
      );
      // The product's functions (the CDK's own custom-resource function emits nothing of ours).
      if (powertools.POWERTOOLS_SERVICE_NAME) environments.set(JSON.stringify(powertools), powertools);
    }
    const lines = [...environments.values()].flatMap(emitUnder);
    emitted = emfMetrics(lines);
    logLines = lines.filter((line) => !line._aws);
  }, 120_000);

  afterAll(() => synthesized.dispose());

  /** Every metric a metric filter makes from the log lines the functions really print. */
  function filteredMetrics(): MetricIdentity[] {
    return Object.values(resourcesOf(synthesized.template, 'AWS::Logs::MetricFilter')).flatMap((filter) => {
      const { FilterPattern, MetricTransformations } = filter.Properties as {
        FilterPattern: string;
        MetricTransformations: {
          MetricNamespace: string;
          MetricName: string;
          Dimensions?: { Key: string; Value: string }[];
        }[];
      };
      return logLines
        .filter((line) => matchesFilter(FilterPattern, line))
        .flatMap((line) =>
          MetricTransformations.map((transformation) => ({
            namespace: transformation.MetricNamespace,
            name: transformation.MetricName,
            dimensions: Object.fromEntries(
              (transformation.Dimensions ?? []).map(({ Key, Value }) => [
                Key,
                String(line[Value.replace(/^\$\./, '')]),
              ]),
            ),
          })),
        );
    });
  }

  /** The custom-namespace metrics the alarms ask for. */
  function alarmedMetrics(): MetricIdentity[] {
    return Object.values(resourcesOf(synthesized.template, 'AWS::CloudWatch::Alarm')).flatMap((alarm) => {
      const properties = alarm.Properties as {
        Namespace?: string;
        MetricName?: string;
        Dimensions?: { Name: string; Value: unknown }[];
        Metrics?: {
          MetricStat?: {
            Metric: {
              Namespace: string;
              MetricName: string;
              Dimensions?: { Name: string; Value: unknown }[];
            };
          };
        }[];
      };
      const stats = properties.MetricName
        ? [
            {
              Namespace: properties.Namespace!,
              MetricName: properties.MetricName,
              Dimensions: properties.Dimensions,
            },
          ]
        : (properties.Metrics ?? []).flatMap((metric) =>
            metric.MetricStat ? [metric.MetricStat.Metric] : [],
          );
      return stats
        .filter((stat) => stat.Namespace === METRICS_NAMESPACE)
        .map((stat) => ({
          namespace: stat.Namespace,
          name: stat.MetricName,
          dimensions: Object.fromEntries(
            (stat.Dimensions ?? []).map(({ Name, Value }) => [Name, String(Value)]),
          ),
        }));
    });
  }

  /** The custom-namespace metrics the dashboard graphs by name (SEARCH expressions find any dimension set). */
  function graphedMetrics(): MetricIdentity[] {
    const dashboard = Object.values(resourcesOf(synthesized.template, 'AWS::CloudWatch::Dashboard'))[0]!;
    const body = dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
    const text =
      typeof body === 'string'
        ? body
        : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
    const widgets = (JSON.parse(text) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets;
    return widgets.flatMap((widget) =>
      (widget.properties.metrics ?? [])
        .filter((metric) => metric[0] === METRICS_NAMESPACE)
        .map((metric) => {
          const values = metric.filter((part): part is string => typeof part === 'string');
          const pairs = values.slice(2);
          return {
            namespace: values[0]!,
            name: values[1]!,
            dimensions: Object.fromEntries(
              Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i]!, pairs[2 * i + 1]!]),
            ),
          };
        }),
    );
  }

  it('emits the metrics through Powertools with the service dimension it adds', () => {
    // Assess
    expect(emitted.length).toBeGreaterThan(0);
    for (const metric of emitted) {
      expect(metric.namespace).toBe(METRICS_NAMESPACE);
      expect(metric.dimensions.service).toBe('contact-enrichment');
    }
  });

  it('alarms only on metrics as they are emitted: namespace, name, dimension set and service', () => {
    // Arrange
    const available = [...emitted, ...filteredMetrics()];
    const known = new Set(available.map(identity));

    // Act
    const alarmed = alarmedMetrics();

    // Assess
    expect(alarmed.length).toBeGreaterThan(10);
    for (const metric of alarmed) {
      expect(known).toContain(identity(metric));
      if (metric.dimensions.service !== undefined)
        expect(metric.dimensions.service).toBe('contact-enrichment');
    }
  });

  it('alarms on webhook attempt outcomes the deliver function logs', () => {
    // Act
    const outcomes = new Set(filteredMetrics().map((metric) => metric.dimensions.outcome));
    const alarmed = alarmedMetrics().filter((metric) => metric.name === 'WebhookAttempt');

    // Assess
    expect(alarmed.length).toBeGreaterThan(0);
    for (const metric of alarmed) expect(outcomes).toContain(metric.dimensions.outcome);
  });

  it('graphs only metrics as they are emitted', () => {
    // Arrange
    const known = new Set([...emitted, ...filteredMetrics()].map(identity));

    // Act
    const graphed = graphedMetrics();

    // Assess
    expect(graphed.length).toBeGreaterThan(0);
    for (const metric of graphed) expect(known).toContain(identity(metric));
  });
});
