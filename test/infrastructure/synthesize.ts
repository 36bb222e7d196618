/**
 * Synthesizes the stack the way `cdk synth` does (same `cdk.json` context, same settings parsing), into a
 * temporary cloud assembly. Test files call it once, in `beforeAll`, and share the result.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { EnrichmentStack } from '../../lib/enrichment-stack';
import { settingsFromContext } from '../../lib/settings';

export const PROJECT_ROOT = join(__dirname, '..', '..');

/** The context `cdk synth` starts from: feature flags and the deployment's default settings. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface SynthesizeOptions {
  /** Context on top of `cdk.json`'s, as `cdk deploy -c key=value` would give it. */
  context?: Record<string, unknown>;
  /** Bundle the functions with esbuild (slow); otherwise their assets are placeholders. */
  bundle?: boolean;
  /** Run the CDK's built-in CloudFormation validation during synthesis (slow). */
  cloudFormationValidation?: boolean;
}

export interface Synthesized {
  app: App;
  stack: EnrichmentStack;
  template: Template;
  /** The cloud assembly directory: templates, assets, validation report. */
  assemblyDir: string;
  /** The logical id CloudFormation knows a construct's resource by. */
  logicalId(construct: IConstruct): string;
  dispose(): void;
}

export function synthesize(options: SynthesizeOptions = {}): Synthesized {
  const assemblyDir = mkdtempSync(join(tmpdir(), 'cdk-test-'));
  const app = new App({
    outdir: assemblyDir,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    context: {
      ...cdkJsonContext(),
      // An empty list skips bundling for every stack, as `cdk synth --exclusively` does for unselected ones.
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const stack = new EnrichmentStack(app, 'Test', { settings: settingsFromContext(app.node) });
  const assembly = app.synth();
  const template = Template.fromJSON(
    assembly.getStackByName(stack.stackName).template as Record<string, unknown>,
  );
  return {
    app,
    stack,
    template,
    assemblyDir,
    logicalId: (construct) => {
      const resource = construct.node.defaultChild ?? construct;
      return Stack.of(construct).getLogicalId(resource as Parameters<Stack['getLogicalId']>[0]);
    },
    dispose: () => rmSync(assemblyDir, { recursive: true, force: true }),
  };
}

/** A resource's properties by its logical id. */
export function propertiesOf(template: Template, logicalId: string): Record<string, unknown> {
  const resource = template.toJSON().Resources?.[logicalId] as
    { Properties?: Record<string, unknown> } | undefined;
  if (!resource) throw new Error(`No resource ${logicalId} in the template`);
  return resource.Properties ?? {};
}

/** The resources of one type, by logical id. */
export function resourcesOf(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown>; [key: string]: unknown }> {
  return template.findResources(type) as Record<
    string,
    { Properties: Record<string, unknown>; [key: string]: unknown }
  >;
}
