import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TYPES_FILE = join(ROOT, 'client', 'openapi.d.ts');

/** What `npm run client` would write for `document`, generated in memory and printed. */
function generate(document = join(ROOT, 'openapi.json')): string {
  return execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(ROOT, 'client', 'generate.ts'),
      '--stdout',
      document,
    ],
    { encoding: 'utf8' },
  );
}

describe('Client types', () => {
  it('are committed as client/openapi.d.ts exactly as openapi-typescript generates them from openapi.json (npm run client rewrites them)', () => {
    // Act
    const generated = generate();

    // Assess
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(generated);
  });

  it('differ once the document changes: a route the client does not have fails the first test', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'client-types-'));
    const document = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as {
      paths: Record<string, { post: object }>;
    };
    const accept = document.paths['/contacts/enrich/async']!.post;
    document.paths['/contacts/enrich/estimate'] = { post: { ...accept, operationId: 'estimateEnrichment' } };
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));

    try {
      // Act
      const generated = generate(join(dir, 'openapi.json'));

      // Assess
      expect(generated).toContain('"/contacts/enrich/estimate"');
      expect(readFileSync(TYPES_FILE, 'utf8')).not.toBe(generated);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
