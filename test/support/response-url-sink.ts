/**
 * A response_url receiver, as Slack runs one per slash command: it takes what the bot posts after its ack (the
 * answer of a command that ran past its ack budget) and hands it to the test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ResponseUrlPost {
  response_type?: string;
  text: string;
  replace_original?: boolean;
}

export class ResponseUrlSink {
  readonly posts: ResponseUrlPost[] = [];
  private waiters: Array<() => void> = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        this.posts.push(JSON.parse(body) as ResponseUrlPost);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/response-url`;
    return this;
  }

  /** The next post (the first one not yet taken), waiting for it as long as `timeoutMs`. */
  async next(timeoutMs = 15_000): Promise<ResponseUrlPost> {
    if (this.posts.length === 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nothing was posted to the response_url within ${timeoutMs} ms`)), timeoutMs);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.posts.shift()!;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
