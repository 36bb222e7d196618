/**
 * Judges what a provider returned before the waterfall trusts it: email syntax and verification status,
 * phone numbers parsed to E.164 with country and line type, and the allowed countries.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/core';
import type { EmailStatus, PhoneLineType, PhoneResult } from './contact';
import { phoneMetadata } from './phone-metadata';
import type { EmailVerdict, FoundPhone } from '../provider';

/** A pragmatic address check (RFC 5321 lengths, one @, a dotted domain); providers return plain addresses. */
const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isEmailSyntaxValid(email: string): boolean {
  return (
    EMAIL.test(email) &&
    !email.includes('..') &&
    !email.startsWith('.') &&
    !email.split('@')[0]!.endsWith('.')
  );
}

export type EmailJudgement = { accepted: true; status: EmailStatus } | { accepted: false; reason: string };

export function judgeEmailVerdict(verdict: EmailVerdict | undefined): EmailJudgement {
  if (verdict === 'valid' || verdict === 'catch_all') return { accepted: true, status: verdict };
  if (verdict === 'invalid') return { accepted: false, reason: 'undeliverable' };
  return { accepted: false, reason: 'unverified' };
}

const LINE_TYPES: Record<string, PhoneLineType> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'landline',
  FIXED_LINE_OR_MOBILE: 'mobile',
  VOIP: 'voip',
};

function lineType(fromParser: string | undefined, fromProvider: string | undefined): PhoneLineType {
  if (fromParser && fromParser !== 'FIXED_LINE_OR_MOBILE' && LINE_TYPES[fromParser])
    return LINE_TYPES[fromParser];
  const hint = fromProvider?.toLowerCase();
  if (hint === 'mobile' || hint === 'cell' || hint === 'cellphone') return 'mobile';
  if (
    hint === 'landline' ||
    hint === 'fixed' ||
    hint === 'fixed_line' ||
    hint === 'work' ||
    hint === 'office'
  )
    return 'landline';
  if (hint === 'voip') return 'voip';
  return fromParser ? (LINE_TYPES[fromParser] ?? 'unknown') : 'unknown';
}

export interface PhoneJudgement {
  accepted: PhoneResult[];
  rejected: { reason: 'unparseable' | 'outside_allowed_countries' }[];
}

/** Keeps the valid numbers in the allowed countries (any country when `allowed` is null), deduplicated. */
export function judgePhones(
  phones: FoundPhone[],
  allowed: readonly string[] | null,
  provider: string,
): PhoneJudgement {
  const judgement: PhoneJudgement = { accepted: [], rejected: [] };
  const seen = new Set<string>();
  for (const phone of phones) {
    const hint = phone.country?.toUpperCase() as CountryCode | undefined;
    const parsed = parsePhoneNumberFromString(
      phone.number,
      hint ? { defaultCountry: hint } : {},
      phoneMetadata(),
    );
    if (!parsed?.isValid() || !parsed.country) {
      judgement.rejected.push({ reason: 'unparseable' });
      continue;
    }
    if (allowed && !allowed.includes(parsed.country)) {
      judgement.rejected.push({ reason: 'outside_allowed_countries' });
      continue;
    }
    if (seen.has(parsed.number)) continue;
    seen.add(parsed.number);
    judgement.accepted.push({
      number: parsed.number,
      country: parsed.country,
      type: lineType(parsed.getType(), phone.type),
      provider,
    });
  }
  return judgement;
}
