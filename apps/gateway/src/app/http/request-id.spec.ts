import type { IncomingMessage } from 'node:http';
import { requestIdFor } from './request-id';

const request = (id?: string) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as IncomingMessage;

describe('requestIdFor', () => {
  it('keeps a plain id the client sent', () => {
    expect(requestIdFor(request('abc-123'))).toBe('abc-123');
  });

  it.each([undefined, '', 'a'.repeat(129), 'line\nbreak', '<script>'])('mints a fresh id instead of %p', (offered) => {
    const req = request(offered);
    const id = requestIdFor(req);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(req.headers['x-request-id']).toBe(id);
  });
});
