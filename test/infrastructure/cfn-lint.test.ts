/**
 * cfn-lint (AWS CloudFormation's linter, Python) on the synthesized templates: the default deployment and one
 * with every optional resource on. No error and no warning passes unless ACKNOWLEDGED lists it with its reason.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { synthesize, type Synthesized } from './synthesize';

interface Finding {
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Filename: string;
  Location: { Path: Array<string | number> };
  Rule: { Id: string };
}

interface Acknowledgement {
  rule: string;
  /** Which findings of the rule: their message. */
  message: RegExp;
  reason: string;
}

/** The one list of cfn-lint findings the templates may have, each with why it stays. */
const ACKNOWLEDGED: Acknowledgement[] = [
  {
    rule: 'W3005',
    message:
      /^'\w+Role[0-9A-F]{8}' dependency already enforced by a 'GetAtt' at 'Resources\/\w+\/Properties\/Role(Arn)?'$/,
    reason:
      "The CDK's Function and StateMachine depend on their role construct, so the role's default policy exists " +
      'before the first invocation; the role itself in that DependsOn duplicates the Role GetAtt, which is harmless. ' +
      'Removing it would take an escape hatch on every function.',
  },
];

/** Regions whose resource types, properties and runtimes the templates are checked against. */
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

const DEPLOYMENTS: Array<[string, Record<string, unknown>]> = [
  ['default (cdk.json)', {}],
  ['every option on', { webAcl: 'true', alarmEmail: 'ops@example.com', allowPrivateWebhookTargets: 'true' }],
];

class CfnLintMissingError extends Error {
  constructor() {
    super('cfn-lint is not installed (the infrastructure tests need it): pip install cfn-lint');
  }
}

/** Runs cfn-lint once over the templates; exit codes 2, 4 and 8 mean findings (in the JSON), others a failure. */
function cfnLint(templates: string[]): Promise<Finding[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'cfn-lint',
      ['--format', 'json', '--regions', ...REGIONS, '--', ...templates],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = (error as (NodeJS.ErrnoException & { code?: string | number }) | null)?.code;
        if (code === 'ENOENT') return reject(new CfnLintMissingError());
        if (code !== undefined && (typeof code !== 'number' || (code & ~(2 | 4 | 8)) !== 0)) {
          return reject(new Error(`cfn-lint failed (${String(code)}): ${stderr || stdout}`));
        }
        resolve(JSON.parse(stdout || '[]') as Finding[]);
      },
    );
  });
}

const acknowledgementOf = (finding: Finding) =>
  ACKNOWLEDGED.find((ack) => ack.rule === finding.Rule.Id && ack.message.test(finding.Message));

const describeFinding = (finding: Finding) =>
  `${finding.Level} ${finding.Rule.Id} ${finding.Location.Path.join('/')}: ${finding.Message}`;

describe('Template: cfn-lint', () => {
  const synthesized: Synthesized[] = [];
  let findings: Finding[];
  const templateFiles: string[] = [];

  beforeAll(async () => {
    for (const [, context] of DEPLOYMENTS) {
      const deployment = synthesize({ context });
      synthesized.push(deployment);
      templateFiles.push(join(deployment.assemblyDir, deployment.stack.templateFile));
    }
    findings = await cfnLint(templateFiles);
  }, 240_000);

  afterAll(() => {
    for (const deployment of synthesized) deployment.dispose();
  });

  it.each(DEPLOYMENTS.map(([name], index) => [name, index] as const))(
    'finds no error or warning in the %s template that is not acknowledged',
    (_name, index) => {
      // Assess
      const unacknowledged = findings
        .filter((finding) => finding.Filename === templateFiles[index])
        .filter((finding) => finding.Level !== 'Informational' && !acknowledgementOf(finding))
        .map(describeFinding);
      expect(unacknowledged).toEqual([]);
    },
  );

  it('acknowledges only findings that occur, each with a reason', () => {
    // Assess
    for (const ack of ACKNOWLEDGED) {
      expect(ack.reason.length).toBeGreaterThan(20);
      expect(findings.filter((finding) => acknowledgementOf(finding) === ack)).not.toEqual([]);
    }
  });
});
