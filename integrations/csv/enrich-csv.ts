/**
 * Enriches the rows of a CSV file through the bulk route, with the typed client.
 *
 * Input: the file's bytes (RFC 4180, header row, optional UTF-8 BOM), the enrichment types, a client.
 * Output: the CSV text of every input row in input order, its columns followed by the results.
 *  1. Read the header (case, `_` and spaces ignored) and turn each row into a request body.
 *  2. Send the rows in chunks of at most 100, each with an Idempotency-Key derived from the file's content and the
 *     rows of the chunk, so a rerun after an interruption replays what was sent and pays nothing twice.
 *  3. A row the API refuses (its `contacts[i]…` errors on 400) is set aside with its error and the rest resent.
 *  4. Wait for every batch, then write the rows.
 * A failure that stops the run (wrong key, unreachable API, 402, …) is a `CsvRunError` with a one-line reason
 * saying which rows were sent and which not.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import {
  ApiError,
  ApiUnreachableError,
  type Batch,
  type Contact,
  type EnrichmentClient,
  type EnrichmentRequest,
} from '../../client';

export type EnrichmentType = EnrichmentRequest['enrichment_type'][number];
export const ENRICHMENT_TYPES: readonly EnrichmentType[] = ['email', 'phone', 'personal_email'];
export const CHUNK_SIZE = 100;

/** The request fields a column can fill, and the header names that name it (lower case, no `_` or space). */
const COLUMNS = {
  firstname: ['firstname'],
  lastname: ['lastname'],
  company_name: ['companyname', 'company'],
  domain: ['domain', 'website'],
  linkedin_url: ['linkedinurl', 'linkedin'],
} as const;
type Field = keyof typeof COLUMNS;

export const RESULT_COLUMNS = [
  'enrichment_id',
  'status',
  'email',
  'email_status',
  'email_provider',
  'phones',
  'personal_email',
  'credits_used',
  'error',
] as const;

export interface Progress {
  finished: number;
  total: number;
  creditsUsed: number;
}

export interface EnrichCsvOptions {
  input: Buffer | string;
  types: EnrichmentType[];
  client: EnrichmentClient;
  onProgress?: (progress: Progress) => void;
}

/** A failure that stops the run, its message one line. */
export class CsvRunError extends Error {
  override name = 'CsvRunError';
}

interface Row {
  cells: string[];
  body: EnrichmentRequest;
  contact?: Contact;
  error?: string;
}

const normalise = (header: string) => header.toLowerCase().replace(/[\s_]/g, '');

function fieldsOf(header: string[]): Map<number, Field> {
  const fields = new Map<number, Field>();
  header.forEach((name, index) => {
    const field = (Object.keys(COLUMNS) as Field[]).find((f) =>
      (COLUMNS[f] as readonly string[]).includes(normalise(name)),
    );
    if (field && ![...fields.values()].includes(field)) fields.set(index, field);
  });
  return fields;
}

/** "rows 1–100, 201–250" (data rows, 1-based), or "no row". */
function rowRanges(indices: number[]): string {
  if (!indices.length) return 'no row';
  const ranges: Array<[number, number]> = [];
  for (const index of indices) {
    const last = ranges.at(-1);
    if (last && last[1] === index - 1) last[1] = index;
    else ranges.push([index, index]);
  }
  const text = ranges.map(([a, b]) => (a === b ? `${a + 1}` : `${a + 1}–${b + 1}`)).join(', ');
  return `${indices.length === 1 ? 'row' : 'rows'} ${text}`;
}

function reason(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return `the API key was refused (401 ${error.code}: ${error.body.message})`;
    if (error.status === 402) return `not enough credits (402 ${error.code}: ${error.body.message})`;
    return `the API answered ${error.status} ${error.code}: ${error.body.message}`;
  }
  if (error instanceof ApiUnreachableError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The row of each `contacts[i]…` error of a refused chunk, with its messages; empty when none names a row. */
function refusedRows(error: ApiError): Map<number, string[]> {
  const rows = new Map<number, string[]>();
  for (const field of error.body.errors ?? []) {
    const match = /^contacts\[(\d+)\]\.?(.*)$/.exec(field.path);
    if (!match) return new Map();
    const messages = rows.get(Number(match[1])) ?? [];
    messages.push(`${match[2] || 'contact'}: ${field.message}`);
    rows.set(Number(match[1]), messages);
  }
  return rows;
}

function resultCells(row: Row): string[] {
  const contact = row.contact;
  const results = contact?.results;
  return [
    contact?.enrichment_id ?? '',
    contact?.status ?? (row.error ? 'refused' : ''),
    results?.email?.value ?? '',
    results?.email?.status ?? '',
    results?.email?.provider ?? '',
    (results?.phones ?? []).map((phone) => phone.number).join(';'),
    results?.personal_email?.value ?? '',
    contact ? String(contact.credits_used ?? 0) : '',
    row.error ?? '',
  ];
}

export async function enrichCsv(options: EnrichCsvOptions): Promise<string> {
  const { client, types } = options;
  const records = parse(options.input, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as string[][];
  const [header, ...lines] = records;
  if (!header) throw new CsvRunError('the file is empty: a header row is needed');
  const fields = fieldsOf(header);
  const rows: Row[] = lines.map((cells) => {
    const body: Record<string, unknown> = {};
    for (const [index, field] of fields) {
      const value = cells[index]?.trim();
      if (value) body[field] = value;
    }
    return { cells, body: { ...body, enrichment_type: [...types] } as EnrichmentRequest };
  });
  const fileHash = createHash('sha256').update(options.input).update(types.join(',')).digest('hex');

  const total = rows.length;
  let creditsUsed = 0;
  let finished = 0;
  const report = () => options.onProgress?.({ finished, total, creditsUsed });
  const sent: number[] = [];
  const batches: Array<{ batchId: string; rows: number[] }> = [];

  for (let start = 0; start < total; start += CHUNK_SIZE) {
    let chunk = rows.slice(start, start + CHUNK_SIZE).map((_, offset) => start + offset);
    try {
      while (chunk.length) {
        const key = createHash('sha256')
          .update(`${fileHash}:${start / CHUNK_SIZE}:${chunk.join(',')}`)
          .digest('hex');
        try {
          const accepted = await client.enrichBulk(
            { contacts: chunk.map((index) => rows[index]!.body) },
            { idempotencyKey: `csv-${key}` },
          );
          batches.push({ batchId: accepted.batch_id, rows: chunk });
          sent.push(...chunk);
          break;
        } catch (error) {
          const refused = error instanceof ApiError && error.status === 400 ? refusedRows(error) : new Map();
          if (!refused.size) throw error;
          for (const [position, messages] of refused) {
            rows[chunk[position]!]!.error = (messages as string[]).join('; ');
            finished += 1;
          }
          chunk = chunk.filter((_, position) => !refused.has(position));
          report();
        }
      }
    } catch (error) {
      const notSent = rows.flatMap((row, index) => (sent.includes(index) || row.error ? [] : [index]));
      throw new CsvRunError(
        `${reason(error)}; sent: ${rowRanges(sent)}; not sent: ${rowRanges(notSent)}` +
          (sent.length ? ' (a rerun sends them again without charging twice)' : ''),
      );
    }
  }
  report();

  await Promise.all(
    batches.map(async ({ batchId, rows: indices }) => {
      let batch: Batch;
      try {
        batch = await client.waitForBatch(batchId);
      } catch (error) {
        throw new CsvRunError(`waiting for batch ${batchId} (${rowRanges(indices)}): ${reason(error)}`);
      }
      batch.contacts.forEach((contact, position) => (rows[indices[position]!]!.contact = contact));
      finished += indices.length;
      creditsUsed += batch.credits_used;
      report();
    }),
  );

  return stringify([
    [...header, ...RESULT_COLUMNS],
    ...rows.map((row) => [...header.map((_, index) => row.cells[index] ?? ''), ...resultCells(row)]),
  ]);
}
