import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import {
  checkWebhookTarget,
  pinnedLookup,
  type Resolver,
} from '../../../functions/adapters/webhooks/target-guard';

const policy = { allowPrivateTargets: false };
const fixed =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('Function: checkWebhookTarget', () => {
  it('allows a public name and pins its first address', async () => {
    // Act
    const verdict = await checkWebhookTarget('https://hooks.example.com/x', policy, fixed('93.184.216.34'));

    // Assess
    expect(verdict).toMatchObject({ allowed: true, address: '93.184.216.34', family: 4 });
  });

  it('judges every resolved address, IPv6 included', async () => {
    // Act
    const verdict = await checkWebhookTarget(
      'https://hooks.example.com/x',
      policy,
      fixed('93.184.216.34', '2606:4700::1', 'fd00::5'),
    );

    // Assess
    expect(verdict).toEqual({ allowed: false, reason: 'address', addressClass: 'private' });
  });

  it.each([
    ['https://[::ffff:7f00:1]/', 'loopback'],
    ['https://[::ffff:10.1.2.3]/', 'private'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'link_local'],
    ['https://0177.0.0.1/', 'loopback'],
    ['https://0x7f000001/', 'loopback'],
    ['https://[::]/', 'unspecified'],
    ['https://224.0.0.1/', 'multicast'],
    ['https://sub.localhost/', 'loopback'],
  ])('refuses %s as %s before any lookup', async (url, addressClass) => {
    // Prepare
    const resolver = jest.fn(fixed('93.184.216.34'));

    // Act
    const verdict = await checkWebhookTarget(url, policy, resolver);

    // Assess
    expect(verdict).toEqual({ allowed: false, reason: 'address', addressClass });
    expect(resolver).not.toHaveBeenCalled();
  });

  it('refuses an answer that is not an IP address', async () => {
    // Act
    const verdict = await checkWebhookTarget('https://hooks.example.com/', policy, fixed('not-an-ip'));

    // Assess
    expect(verdict).toMatchObject({ allowed: false, reason: 'address' });
  });

  it('reports a name without answers as unresolvable', async () => {
    // Act
    const verdict = await checkWebhookTarget('https://hooks.example.com/', policy, fixed());

    // Assess
    expect(verdict).toEqual({ allowed: false, reason: 'unresolvable' });
  });
});

describe('Function: pinnedLookup', () => {
  it('sends the request to the pinned address whatever the hostname says', async () => {
    // Prepare
    const server = createServer((req, res) => res.end(req.headers.host));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    // Act
    const host = await new Promise<string>((resolve, reject) => {
      const req = request(`http://pinned.invalid:${port}/`, {
        lookup: pinnedLookup('127.0.0.1', 4),
        agent: false,
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    await new Promise((resolve) => server.close(resolve));

    // Assess
    expect(host).toBe(`pinned.invalid:${port}`);
  });
});
