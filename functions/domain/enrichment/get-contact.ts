/** Reads one enrichment of the calling account; another account's id is indistinguishable from garbage. */
import { NotFoundError } from '../errors';
import { ID_PATTERN } from '../ids';
import type { ContactReader } from '../ports/contacts';

export async function getContact(enrichments: ContactReader, accountId: string, id: string) {
  const record = ID_PATTERN.test(id) ? await enrichments.getContact(accountId, id) : undefined;
  if (!record) throw new NotFoundError('No enrichment with this id.');
  return record;
}
