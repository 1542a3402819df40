import { describe, expect, test } from 'vitest';
import { isPrivateHost, networkFailure, privateDestination } from '../../src/core/private-hosts.ts';

describe('which hosts a production server must not call', () => {
  test.each([
    'localhost',
    'localhost.',
    'api.localhost',
    'metadata.google.internal',
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.0.1',
    '[::1]',
    '[::]',
    '[::127.0.0.1]',
    '[::ffff:127.0.0.1]',
    '[64:ff9b::7f00:1]',
    '[2002:7f00:1::]',
    '[fec0::1]',
    '[fd00::1]',
    '[fe80::1]',
    '[ff02::1]',
  ])('%s is private', (host) => {
    expect(isPrivateHost(host)).toBe(true);
  });

  test.each(['hooks.example.com', '8.8.8.8', '93.184.215.14', '[2001:4860:4860::8888]'])('%s is not', (host) => {
    expect(isPrivateHost(host)).toBe(false);
  });

  test('a URL is checked as the URL parser writes its host, and a name that does not resolve is refused', async () => {
    expect(await privateDestination(new URL('https://[::127.0.0.1]/x'))).toBe('its address is private');
    expect(await privateDestination(new URL('https://2130706433/x'))).toBe('its address is private');
    expect(await privateDestination(new URL('https://8.8.8.8/x'))).toBeUndefined();
    expect(await privateDestination(new URL('https://no-such-host.invalid/x'))).toBe('its name does not resolve');
  });

  test('network failures are told in generic words, never with the system message', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' }),
    });
    expect(networkFailure(refused)).toBe('the connection was refused');
    expect(networkFailure(new Error('something internal at /srv/app'))).toBe('a network error');
  });
});
