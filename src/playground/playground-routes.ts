/**
 * The playground's HTTP side, on the bot's own port: the page, its script, and a small JSON API that turns what
 * someone does on the page into exactly what Slack would send (signed slash commands, block_actions,
 * view_submission, events) and posts it to the bot's own /slack/events. The bot cannot tell it from Slack.
 * What Slack would show comes back from the stand-in's record.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Policy } from '../config/policy.js';
import { sendJson } from '../http/routes.js';
import type { Logger } from '../logger.js';
import { SLACK_EVENTS_PATH } from '../slack/bolt-app.js';
import { slackSignature } from '../slack/request-signature.js';
import type { Clock } from '../time/clock.js';
import type { DemoPerson, SampleAlert } from './demo-workspace.js';
import { PhoneRequestError, type PhonePanel } from './phone-panel.js';
import type { SlackStandIn, StoredMessage, StoredView } from './slack-stand-in.js';

export const PLAYGROUND_PATH = '/playground';
const MAX_BODY = 256 * 1024;
/** How many storm requests are in flight at once (Alertmanager's replicas and its group workers). */
const STORM_SENDERS = 4;

export interface PlaygroundDeps {
  standIn: SlackStandIn;
  signingSecret: string;
  /** The bot's own base URL, known once it listens. */
  botUrl: () => string;
  people: readonly DemoPerson[];
  /** Channel ids in the order the page lists them, with names. */
  channels: ReadonlyMap<string, string>;
  policy: Policy;
  samples: (n: number) => SampleAlert[];
  /** The storm button's requests (demo-workspace.ts stormAlerts); absent or empty: no storm in this workspace. */
  storm?: (n: number) => SampleAlert[];
  clock: Clock;
  logger: Logger;
  /** Folder of index.html and playground.js. */
  pageFolder: URL;
  /** The phone panel (calls, texts and pushes the Twilio and ntfy stand-ins recorded per person); absent: none. */
  phone?: PhonePanel;
}

/** trigger_ids the playground hands out name the person, so the stand-in knows whose modal views.open opens. */
export function triggerIdFor(userId: string, n: number): string {
  return `${n}.pg.${userId}`;
}
export function userOfTrigger(triggerId: string): string | undefined {
  return /^\d+\.pg\.(U[A-Z0-9]+)$/.exec(triggerId)?.[1];
}

class BadRequest extends Error {}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new BadRequest(`the request is over ${MAX_BODY / 1024} KiB`));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequest('expected a JSON object');
        resolve(value as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof BadRequest ? error : new BadRequest('the body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

const text = (body: Record<string, unknown>, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new BadRequest(`"${key}" should be a non-empty string`);
  return value;
};

export function playgroundRoutes(deps: PlaygroundDeps): CustomRoute[] {
  const { standIn, people } = deps;
  let triggers = 0;
  // The buttons' labels do not change; the payloads are made afresh at each press.
  const sampleLabels = deps.samples(0).map((sample, index) => ({ index, label: sample.label }));
  const hasStorm = (deps.storm?.(0).length ?? 0) > 0;
  const page = (name: string) => readFileSync(new URL(name, deps.pageFolder), 'utf8');

  const person = (id: string) => {
    if (!people.some((p) => p.id === id))
      throw new BadRequest(`"${id}" is nobody in this workspace; pick one of ${people.map((p) => p.id).join(', ')}`);
    return id;
  };

  const signedPost = async (body: string, contentType: string) => {
    const timestamp = Math.floor(deps.clock.now() / 1000);
    const response = await fetch(`${deps.botUrl()}${SLACK_EVENTS_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(deps.signingSecret, timestamp, body),
      },
      body,
    });
    const answer = await response.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = answer ? (JSON.parse(answer) as Record<string, unknown>) : null;
    } catch {
      json = null;
    }
    return { status: response.status, json, text: answer };
  };

  const interaction = (payload: Record<string, unknown>) =>
    signedPost(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');

  const identity = (userId: string) => ({
    team: { id: 'T0PLAY', domain: 'playground' },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0PLAY' },
    api_app_id: 'A0PLAY',
    token: 'playground',
    trigger_id: standIn.issueTrigger(triggerIdFor(userId, ++triggers), userId),
  });

  /** A form's state.values as the page read it (an object keyed by block_id), or none. */
  const formValues = (body: Record<string, unknown>) => (typeof body.values === 'object' && body.values !== null ? body.values : {});

  /** The container of a block_actions: a modal or Home tab (with the form as filled so far), or a message. */
  const whereActed = (body: Record<string, unknown>): Record<string, unknown> => {
    const view = typeof body.viewId === 'string' ? standIn.views.get(body.viewId) : undefined;
    if (view) {
      return {
        container: { type: 'view', view_id: view.id },
        view: { id: view.id, ...view.view, hash: view.hash, state: { values: formValues(body) } },
      };
    }
    const channel = text(body, 'channel');
    const ts = text(body, 'ts');
    const message = standIn.message(channel, ts);
    if (!message) throw new BadRequest('that message is gone');
    return {
      container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: message.visibleTo !== undefined },
      channel: { id: channel, name: deps.channels.get(channel) ?? channel },
      message: { ts, text: message.text, blocks: message.blocks ?? [], user: message.user },
      response_url: `${deps.botUrl()}${PLAYGROUND_PATH}/response-url`,
    };
  };

  const phone = () => {
    if (!deps.phone) throw new BadRequest('this playground has no phone stand-ins');
    return deps.phone;
  };
  /** A phone's answer, or the panel's "that is not this person's" as a 400. */
  const onPhone = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw error instanceof PhoneRequestError ? new BadRequest(error.message) : error;
    }
  };

  const api: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    /** Press 4 during a call to the person's phone (picked up first if it is ringing). */
    async press4(body) {
      const user = person(text(body, 'user'));
      const answer = await onPhone(() => phone().press4(user, text(body, 'sid')));
      return { ok: answer.status < 400, ...answer };
    },

    /** Tap Acknowledge on a push to the person's ntfy topic. */
    async acknowledge(body) {
      const user = person(text(body, 'user'));
      const answer = await onPhone(() => phone().acknowledgePush(user, text(body, 'id')));
      return { ok: answer.status < 400, ...answer };
    },

    async command(body) {
      const user = person(text(body, 'user'));
      const channel = text(body, 'channel');
      const typed = text(body, 'text').trim();
      const match = /^(\/[a-z-]+)\s*([\s\S]*)$/.exec(typed);
      if (!match) throw new BadRequest('a command starts with a slash, e.g. /oncall who');
      standIn.addVisible({ channel, text: typed, user, visibleTo: user });
      const form = new URLSearchParams({
        token: 'playground',
        team_id: 'T0PLAY',
        team_domain: 'playground',
        channel_id: channel,
        channel_name: deps.channels.get(channel) ?? channel,
        user_id: user,
        user_name: user.toLowerCase(),
        command: match[1]!,
        text: match[2]!,
        api_app_id: 'A0PLAY',
        response_url: `${deps.botUrl()}${PLAYGROUND_PATH}/response-url`,
        trigger_id: standIn.issueTrigger(triggerIdFor(user, ++triggers), user),
      }).toString();
      const answer = await signedPost(form, 'application/x-www-form-urlencoded');
      if (answer.status === 404 || (answer.status >= 400 && !answer.json)) {
        standIn.addVisible({
          channel,
          text: `${match[1]} is not a command of this app (try /oncall, /incident or /handoff).`,
          user: 'U0BOT',
          visibleTo: user,
        });
        return { ok: false };
      }
      const reply = answer.json;
      if (reply && typeof reply.text === 'string') {
        const shown = { channel, text: reply.text, user: 'U0BOT', ...(Array.isArray(reply.blocks) ? { blocks: reply.blocks } : {}) };
        standIn.addVisible(reply.response_type === 'in_channel' ? shown : { ...shown, visibleTo: user });
      }
      return { ok: true };
    },

    async action(body) {
      const user = person(text(body, 'user'));
      const action = {
        type: typeof body.type === 'string' ? body.type : 'button',
        action_id: text(body, 'actionId'),
        block_id: typeof body.blockId === 'string' ? body.blockId : 'b',
        ...(typeof body.value === 'string' ? { value: body.value } : {}),
        ...(typeof body.selected === 'object' && body.selected !== null ? { selected_option: body.selected } : {}),
        ...(Array.isArray(body.selectedOptions) ? { selected_options: body.selectedOptions } : {}),
        action_ts: `${Math.floor(deps.clock.now() / 1000)}.000001`,
      };
      const answer = await interaction({ type: 'block_actions', ...identity(user), ...whereActed(body), actions: [action] });
      return { ok: answer.status < 400 };
    },

    async submit(body) {
      const user = person(text(body, 'user'));
      const view = standIn.views.get(text(body, 'viewId'));
      if (!view || view.user !== user || view.type !== 'modal') throw new BadRequest('that form is closed; open it again');
      const values = formValues(body);
      const payload = {
        type: 'view_submission',
        ...identity(user),
        view: {
          id: view.id,
          type: 'modal',
          hash: view.hash,
          callback_id: view.view.callback_id,
          private_metadata: view.view.private_metadata ?? '',
          state: { values },
        },
      };
      const answer = await interaction(payload);
      if (answer.status >= 400) return { ok: false, error: `the app answered ${answer.status}` };
      const response = answer.json ?? {};
      switch (response.response_action) {
        case 'errors':
          return { ok: false, errors: response.errors ?? {} };
        case 'update':
          standIn.views.set(view.id, { ...view, view: response.view as Record<string, unknown>, hash: `${view.hash}u` });
          standIn.version += 1;
          return { ok: true };
        case 'push': {
          const id = `${view.id}p${++triggers}`;
          standIn.views.set(id, { id, user, type: 'modal', view: response.view as Record<string, unknown>, hash: 'h0', parent: view.id });
          standIn.version += 1;
          return { ok: true };
        }
        case 'clear':
          standIn.closeModal(view.id, true);
          return { ok: true };
        default:
          standIn.closeModal(view.id);
          return { ok: true };
      }
    },

    async close(body) {
      const view = standIn.views.get(text(body, 'viewId'));
      if (view && view.type === 'modal') standIn.closeModal(view.id);
      return { ok: true };
    },

    async react(body) {
      const user = person(text(body, 'user'));
      const channel = text(body, 'channel');
      const ts = text(body, 'ts');
      const name = text(body, 'name').replace(/:/g, '');
      if (!standIn.react(channel, ts, name, user)) throw new BadRequest('that message is gone');
      await event({
        type: 'reaction_added',
        user,
        reaction: name,
        item: { type: 'message', channel, ts },
        item_user: standIn.message(channel, ts)?.user ?? null,
        event_ts: ts,
      });
      return { ok: true };
    },

    async home(body) {
      const user = person(text(body, 'user'));
      await event({
        type: 'app_home_opened',
        user,
        channel: `D${user}`,
        tab: 'home',
        event_ts: `${Math.floor(deps.clock.now() / 1000)}.000001`,
      });
      return { ok: true };
    },

    async alert(body) {
      const index = Number(body.index);
      const samples = deps.samples(++triggers);
      const sample = samples[index];
      if (!Number.isInteger(index) || !sample) throw new BadRequest(`"index" should be 0 to ${samples.length - 1}`);
      const response = await fetch(`${deps.botUrl()}/webhooks/${sample.integration}`, {
        method: 'POST',
        headers: sample.headers,
        body: sample.body,
      });
      return { ok: response.ok, status: response.status, answer: await response.text() };
    },

    /**
     * A storm: 200 distinct alerts to the real webhook, a few requests at a time as Alertmanager's replicas send
     * them, so a person sees what one looks like (one message and one page per group, edited as the count grows).
     */
    async storm() {
      const requests = deps.storm?.(++triggers) ?? [];
      if (requests.length === 0)
        throw new BadRequest('a storm needs an Alertmanager integration named prometheus in the policy (the demo policy has one)');
      const statuses: number[] = [];
      const send = async (request: SampleAlert) => {
        const response = await fetch(`${deps.botUrl()}/webhooks/${request.integration}`, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
        });
        await response.text();
        statuses.push(response.status);
      };
      const queue = [...requests];
      await Promise.all(
        Array.from({ length: STORM_SENDERS }, async () => {
          for (let next = queue.shift(); next; next = queue.shift()) await send(next);
        }),
      );
      const alerts = requests.reduce((sum, r) => sum + ((JSON.parse(r.body) as { alerts: unknown[] }).alerts?.length ?? 0), 0);
      const refused = statuses.filter((status) => status >= 300);
      return {
        ok: refused.length === 0,
        requests: requests.length,
        alerts,
        groups: new Set(requests.map((r) => r.label)).size,
        ...(refused.length ? { refused: refused.length, status: refused[0] } : {}),
      };
    },
  };

  let events = 0;
  const event = (inner: Record<string, unknown>) =>
    signedPost(
      JSON.stringify({
        token: 'playground',
        team_id: 'T0PLAY',
        api_app_id: 'A0PLAY',
        type: 'event_callback',
        event_id: `EvPG${++events}`,
        event_time: Math.floor(deps.clock.now() / 1000),
        event: inner,
      }),
      'application/json',
    );

  const state = (url: URL) => {
    const user = person(url.searchParams.get('user') ?? '');
    const conversation = url.searchParams.get('conv') ?? '';
    const channels = [...deps.channels].map(([id, name]) => ({ id, name }));
    for (const [name, id] of standIn.createdChannels) if (!deps.channels.has(id)) channels.push({ id, name });
    const render = (m: StoredMessage) => ({
      ts: m.ts,
      user: m.user,
      text: m.text,
      blocks: m.blocks ?? null,
      ephemeral: m.visibleTo !== undefined,
      threadTs: m.threadTs ?? null,
      reactions: m.reactions ?? {},
      files: (m.files ?? []).flatMap((id) => {
        const file = standIn.files.get(id);
        return file ? [{ id, title: file.title ?? file.filename, altText: file.altText ?? '' }] : [];
      }),
    });
    const view = (v: StoredView | undefined) => (v ? { id: v.id, hash: v.hash, view: v.view } : null);
    return {
      version: standIn.version,
      people: people.map((p) => ({ id: p.id, name: p.name, tz: p.tz })),
      channels,
      dm: `D${user}`,
      messages: standIn.conversationFor(conversation, user).map(render),
      modal: view(standIn.openModal(user)),
      home: view(standIn.home(user)),
      samples: sampleLabels,
      storm: hasStorm,
    };
  };

  const fail = (res: ServerResponse, error: unknown) => {
    if (error instanceof BadRequest) return sendJson(res, 400, { ok: false, error: error.message });
    deps.logger.warn({ err: error }, 'playground request failed');
    sendJson(res, 500, { ok: false, error: 'the playground could not do that; see the terminal' });
  };

  return [
    {
      path: PLAYGROUND_PATH,
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page('index.html'));
      },
    },
    {
      path: `${PLAYGROUND_PATH}/playground.js`,
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(page('playground.js'));
      },
    },
    {
      path: `${PLAYGROUND_PATH}/api/state`,
      method: ['GET'],
      handler: (req, res) => {
        try {
          sendJson(res, 200, state(new URL(req.url ?? '', 'http://playground')));
        } catch (error) {
          fail(res, error);
        }
      },
    },
    {
      path: `${PLAYGROUND_PATH}/api/phone`,
      method: ['GET'],
      handler: (req, res) => {
        try {
          const user = person(new URL(req.url ?? '', 'http://playground').searchParams.get('user') ?? '');
          sendJson(res, 200, phone().view(user));
        } catch (error) {
          fail(res, error);
        }
      },
    },
    {
      path: `${PLAYGROUND_PATH}/files/:id`,
      method: ['GET'],
      handler: (req, res) => {
        const id = (req as IncomingMessage & { params?: Record<string, string> }).params?.id ?? '';
        const file = standIn.files.get(id);
        if (!file?.bytes) return sendJson(res, 404, { ok: false, error: 'no such file' });
        res.writeHead(200, { 'content-type': file.filename.endsWith('.png') ? 'image/png' : 'application/octet-stream' });
        res.end(file.bytes);
      },
    },
    {
      path: `${PLAYGROUND_PATH}/api/:action`,
      method: ['POST'],
      handler: (req, res) => {
        const name = (req as IncomingMessage & { params?: Record<string, string> }).params?.action ?? '';
        const run = Object.hasOwn(api, name) ? api[name] : undefined;
        if (!run) return sendJson(res, 404, { ok: false, error: `no playground action "${name}"` });
        readJson(req)
          .then(run)
          .then(
            (result) => sendJson(res, 200, result),
            (error: unknown) => fail(res, error),
          );
      },
    },
    {
      // Where respond() would post; this app answers in the ack or through the Web API, so nothing comes here.
      path: `${PLAYGROUND_PATH}/response-url`,
      method: ['POST'],
      handler: (_req, res) => sendJson(res, 200, { ok: true }),
    },
  ];
}
