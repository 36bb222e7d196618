import type { ContactRecord } from '../../functions/domain/enrichment/contact';
import type { Settlement } from '../../functions/domain/credits/credits';
import { EraseContact } from '../../functions/domain/privacy/erase-contact';
import { NotFoundError } from '../../functions/domain/errors';
import type { ErasureRepository } from '../../functions/domain/ports/contacts';

const ID = '01KB0000000000000000000000';

function record(status: ContactRecord['status']): ContactRecord {
  return {
    account_id: 'A1',
    enrichment_id: ID,
    status,
    firstname: 'Jane',
    lastname: 'Doe',
    company_name: null,
    domain: 'acme.com',
    linkedin_url: 'https://www.linkedin.com/in/jane-doe',
    enrichment_type: ['email'],
    phone_country_codes: null,
    custom_json: '{}',
    use_cache: null,
    providers: null,
    max_credits: null,
    accept_catch_all: null,
    created_at: '2026-03-01T12:00:00.000Z',
    finished_at: status === 'finished' ? '2026-03-01T12:00:01.000Z' : null,
    results: null,
    credits_reserved: 3,
    credits_used: status === 'finished' ? 1 : 0,
    waterfall: [],
    webhook: null,
  };
}

/** A table whose record moves on (to `next`, or away) the first time an erasure is tried. */
function contactsThatChange(first: ContactRecord, next: ContactRecord | undefined) {
  let current: ContactRecord | undefined = first;
  const erasures: Array<{ status: string; cancellation: Settlement | null }> = [];
  const contacts: ErasureRepository = {
    getContact: async () => current,
    erase: async (read, cancellation) => {
      erasures.push({ status: read.status, cancellation });
      if (erasures.length === 1) {
        current = next;
        return false;
      }
      current = undefined;
      return true;
    },
  };
  return { contacts, erasures };
}

describe('Class: EraseContact', () => {
  const clock = { now: () => new Date('2026-03-01T12:00:05Z') };

  it('erases a record that finished while it was being cancelled as finished: no credits move', async () => {
    // Prepare
    const { contacts, erasures } = contactsThatChange(record('pending'), record('finished'));
    const forget = jest.fn(async () => undefined);
    const contactFinished = jest.fn(async () => undefined);
    const erase = new EraseContact({ contacts, cache: { forget }, clock, batches: { contactFinished } });

    // Act
    const erased = await erase.execute('A1', ID);

    // Assess
    expect(erasures).toEqual([
      { status: 'pending', cancellation: { charged: 0, released: 3 } },
      { status: 'finished', cancellation: null },
    ]);
    expect(erased).toEqual({ enrichment_id: ID, status: 'finished', credits_released: 0 });
    expect(forget).toHaveBeenCalledWith(expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{64}$/)]));
    expect(contactFinished).not.toHaveBeenCalled();
  });

  it('answers 404 when a concurrent erasure took the record first', async () => {
    // Prepare
    const { contacts } = contactsThatChange(record('finished'), undefined);
    const erase = new EraseContact({ contacts, cache: { forget: async () => undefined }, clock });

    // Act & Assess
    await expect(erase.execute('A1', ID)).rejects.toThrow(NotFoundError);
  });
});
