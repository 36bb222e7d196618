/**
 * The doubles of every provider in the catalog, by catalog name: each file holds the provider's answers as its
 * docs show them, field for field, for the contract suite (`../contract.test.ts`).
 */
import type { Doubles } from '../fake-provider-server';
import * as contactout from './contactout';
import * as dropcontact from './dropcontact';
import * as enrow from './enrow';
import * as findymail from './findymail';
import * as hunter from './hunter';
import * as icypeas from './icypeas';
import * as leadmagic from './leadmagic';
import * as millionverifier from './millionverifier';
import * as peopledatalabs from './peopledatalabs';
import * as prospeo from './prospeo';
import * as zerobounce from './zerobounce';

export const DOUBLES: Readonly<Record<string, Doubles>> = {
  hunter,
  prospeo,
  dropcontact,
  icypeas,
  peopledatalabs,
  contactout,
  enrow,
  findymail,
  leadmagic,
  millionverifier,
  zerobounce,
};
