/**
 * `npm run enrich -- <in.csv> --out <out.csv> --types email,phone [--api URL] [--key KEY]`: enriches a CSV file
 * through the API (`--api`/`--key` or `ENRICHMENT_API_URL`/`ENRICHMENT_API_KEY`). Progress on stderr: a bar on a
 * terminal, plain lines otherwise. Exit 0 once every row is written; 2 for a usage error; 1 with a one-line
 * reason otherwise.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EnrichmentClient } from '../../client';
import { CsvRunError, ENRICHMENT_TYPES, enrichCsv, type EnrichmentType, type Progress } from './enrich-csv';

const USAGE =
  'usage: npm run enrich -- <in.csv> --out <out.csv> --types email,phone,personal_email [--api URL] [--key KEY]';

class UsageError extends Error {}

type ErrorStream = NodeJS.WritableStream & { isTTY?: boolean };

function progressPrinter(stream: ErrorStream): (progress: Progress) => void {
  let lastLine = '';
  return ({ finished, total, creditsUsed }) => {
    const text = `${finished}/${total} rows finished, ${creditsUsed} credits used`;
    if (stream.isTTY) {
      const width = 30;
      const filled = total ? Math.round((finished / total) * width) : width;
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
      if (finished === total) stream.write('\n');
    } else if (text !== lastLine) {
      stream.write(`enrich: ${text}\n`);
    }
    lastLine = text;
  };
}

export async function main(argv: string[], stderr: ErrorStream = process.stderr): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        types: { type: 'string' },
        api: { type: 'string' },
        key: { type: 'string' },
      },
    });
    const [input] = positionals;
    if (!input || positionals.length > 1 || !values.out || !values.types) throw new UsageError(USAGE);
    const types = values.types.split(',').map((type) => type.trim()) as EnrichmentType[];
    const unknown = types.filter((type) => !ENRICHMENT_TYPES.includes(type));
    if (unknown.length)
      throw new UsageError(
        `unknown type ${unknown.join(', ')}; --types takes ${ENRICHMENT_TYPES.join(', ')}`,
      );
    let client: EnrichmentClient;
    try {
      client = EnrichmentClient.fromEnvironment({ baseUrl: values.api, apiKey: values.key });
    } catch (error) {
      throw new UsageError(`${(error as Error).message}, or pass --api and --key`);
    }

    let content: Buffer;
    try {
      content = readFileSync(input);
    } catch (error) {
      throw new CsvRunError(`cannot read ${input}: ${(error as Error).message}`);
    }
    const output = await enrichCsv({
      input: content,
      types,
      client,
      onProgress: progressPrinter(stderr),
    });
    writeFileSync(values.out, output);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      stderr.write(`enrich: ${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof CsvRunError) {
      stderr.write(`enrich: ${error.message}\n`);
      return 1;
    }
    // A file csv-parse cannot read: its message names the line.
    stderr.write(`enrich: ${(error as Error).message.split('\n')[0]}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
