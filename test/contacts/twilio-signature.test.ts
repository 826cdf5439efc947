import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isTwilioSignatureValid, twilioSignature } from '../../src/contacts/twilio-signature.js';

const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';

describe('twilioSignature', () => {
  // The worked example of Twilio's request-validation docs (auth token 12345, a <Gather> POST to URL).
  it("matches the example in Twilio's security docs", () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    expect(twilioSignature('12345', URL, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it("matches the example in twilio-php's validation docs", () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    expect(twilioSignature('12345', URL, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('sorts the parameters by name whatever order they came in, and writes them name+value with no separator', () => {
    const params: Array<[string, string]> = [
      ['To', '+447700900123'],
      ['CallStatus', 'busy'],
      ['AccountSid', 'AC1'],
    ];
    const independent = createHmac('sha1', 'tok').update(`${URL}AccountSidAC1CallStatusbusyTo+447700900123`).digest('base64');
    expect(twilioSignature('tok', URL, params)).toBe(independent);
    expect(twilioSignature('tok', URL, Object.fromEntries(params.reverse()))).toBe(independent);
  });

  it('a GET (no POST parameters) signs the URL alone', () => {
    expect(twilioSignature('tok', URL)).toBe(createHmac('sha1', 'tok').update(URL).digest('base64'));
  });

  it('validates: the right signature passes; another token, URL, parameter or a missing header fails', () => {
    const params = { CallSid: 'CA1', Digits: '4' };
    const signature = twilioSignature('tok', URL, params);
    expect(isTwilioSignatureValid('tok', signature, URL, params)).toBe(true);
    expect(isTwilioSignatureValid('other', signature, URL, params)).toBe(false);
    expect(isTwilioSignatureValid('tok', signature, `${URL}&baz=3`, params)).toBe(false);
    expect(isTwilioSignatureValid('tok', signature, URL, { ...params, Digits: '5' })).toBe(false);
    expect(isTwilioSignatureValid('tok', undefined, URL, params)).toBe(false);
    expect(isTwilioSignatureValid('tok', 'short', URL, params)).toBe(false);
  });
});
