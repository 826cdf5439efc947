/**
 * What the bot's own web routes (acknowledge links, Twilio's callbacks, test pages) share: reading a form body
 * within a size limit, escaping text for HTML and TwiML, and answering a small page or a TwiML document.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Twilio's callbacks and the confirmation forms are small: anything larger is refused before it is read whole. */
export const MAX_FORM_BYTES = 64 * 1024;

/** Text made safe inside HTML or XML (TwiML), attributes included. */
export const escapeMarkup = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An application/x-www-form-urlencoded body as its pairs, in order; rejects past `MAX_FORM_BYTES`. */
export function readForm(req: IncomingMessage): Promise<Array<[string, string]>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Error('callback body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve([...new URLSearchParams(Buffer.concat(chunks).toString('utf8'))]));
    req.on('error', reject);
  });
}

/** A small HTML page that no cache, referrer or search engine keeps (its URL may carry a signed token). */
export function sendHtmlPage(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-robots-tag': 'noindex',
  });
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeMarkup(title)}</title></head><body><h1>${escapeMarkup(title)}</h1>${body}</body></html>\n`,
  );
}

/** A TwiML document: `body` is the verbs inside <Response>. */
export function sendTwiml(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`);
}
