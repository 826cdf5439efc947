// The playground page: renders what the stand-in holds (Block Kit messages, modals, the Home tab) and sends what
// a person does to the playground API, which signs it as Slack would. Plain script, no build step.

const state = { me: null, conv: 'C0BACKEND', version: -1, data: null, modalKey: null, people: new Map(), channels: new Map() };
const $ = (id) => document.getElementById(id);

const EMOJI = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  rotating_light: '🚨',
  bell: '🔔',
  hourglass: '⏳',
  hourglass_flowing_sand: '⏳',
  palm_tree: '🌴',
  pushpin: '📌',
  warning: '⚠️',
  fire: '🔥',
  red_circle: '🔴',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  large_orange_circle: '🟠',
  eyes: '👀',
  memo: '📝',
  x: '❌',
  pager: '📟',
  mag: '🔍',
  repeat: '🔁',
  arrow_up: '⬆️',
  clipboard: '📋',
  busts_in_silhouette: '👥',
  speech_balloon: '💬',
  sos: '🆘',
  zzz: '💤',
  calendar: '📅',
  bar_chart: '📊',
  lock: '🔒',
  wave: '👋',
  arrows_counterclockwise: '🔄',
  no_bell: '🔕',
  mute: '🔇',
  handshake: '🤝',
  tada: '🎉',
  construction: '🚧',
  chart_with_upwards_trend: '📈',
  test_tube: '🧪',
};

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const personName = (id) => state.people.get(id)?.name ?? (id === 'U0BOT' ? 'oncall' : id);

/** Slack's <!date^seconds^format|fallback>, in this browser's zone. */
function slackDate(seconds, format) {
  const d = new Date(Number(seconds) * 1000);
  const fmt = (options) => new Intl.DateTimeFormat(undefined, options).format(d);
  const pretty = (style) => {
    const day = (offset) => {
      const x = new Date();
      x.setHours(0, 0, 0, 0);
      x.setDate(x.getDate() + offset);
      return x.toDateString();
    };
    if (d.toDateString() === day(0)) return 'today';
    if (d.toDateString() === day(-1)) return 'yesterday';
    if (d.toDateString() === day(1)) return 'tomorrow';
    return fmt(style);
  };
  const tokens = {
    date_num: () => fmt({ year: 'numeric', month: '2-digit', day: '2-digit' }),
    date: () => fmt({ year: 'numeric', month: 'long', day: 'numeric' }),
    date_short: () => fmt({ year: 'numeric', month: 'short', day: 'numeric' }),
    date_long: () => fmt({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
    date_pretty: () => pretty({ year: 'numeric', month: 'long', day: 'numeric' }),
    date_short_pretty: () => pretty({ year: 'numeric', month: 'short', day: 'numeric' }),
    date_long_pretty: () => pretty({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
    time: () => fmt({ hour: '2-digit', minute: '2-digit' }),
    time_secs: () => fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit' }),
  };
  return format.replace(/\{(\w+)\}/g, (all, token) => (tokens[token] ? tokens[token]() : all));
}

/** Slack mrkdwn to HTML: escapes first, then <…> tokens, then *bold* _italic_ ~strike~ `code`, quotes, emoji. */
function mrkdwn(text) {
  const slots = [];
  const keep = (html) => `\u0000${slots.push(html) - 1}\u0000`;
  let s = String(text ?? '');
  s = s.replace(/```([\s\S]*?)```/g, (_, code) => keep(`<pre>${escapeHtml(code)}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (_, code) => keep(`<code>${escapeHtml(code)}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (_, inner) => {
    const [target, label] = inner.split('|');
    if (target.startsWith('@')) return keep(`<span class="mention">@${escapeHtml(personName(target.slice(1)))}</span>`);
    if (target.startsWith('#'))
      return keep(`<span class="mention">#${escapeHtml(label ?? state.channels.get(target.slice(1)) ?? target.slice(1))}</span>`);
    if (target.startsWith('!date^')) {
      const [, seconds, format] = target.split('^');
      return keep(escapeHtml(slackDate(seconds, format ?? '{date_short_pretty} {time}')));
    }
    if (target.startsWith('!subteam^')) return keep(`<span class="mention">@${escapeHtml(label ?? 'group')}</span>`);
    if (target.startsWith('!')) return keep(`<span class="mention">@${escapeHtml(target.slice(1))}</span>`);
    if (/^(https?:|mailto:)/.test(target))
      return keep(`<a href="${escapeHtml(target)}" target="_blank" rel="noreferrer">${escapeHtml(label ?? target)}</a>`);
    return keep(escapeHtml(`<${inner}>`));
  });
  s = escapeHtml(s);
  s = s.replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1<b>$2</b>');
  s = s.replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/g, '$1<i>$2</i>');
  s = s.replace(/(^|[\s(])~([^~\n]+)~(?=[\s).,:;!?]|$)/g, '$1<s>$2</s>');
  s = s.replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] ?? all);
  s = s.replace(/^&gt; ?(.*)$/gm, '<blockquote>$1</blockquote>');
  s = s.replace(/\n/g, '<br>');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL marks the slots this function itself put in; no text typed in Slack holds one
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => slots[Number(i)]);
}

const textOf = (t) =>
  !t ? '' : t.type === 'mrkdwn' ? mrkdwn(t.text) : escapeHtml(t.text).replace(/:([a-z0-9_+-]+):/g, (all, n) => EMOJI[n] ?? all);

function button(element, context) {
  const b = document.createElement('button');
  b.className = `btn ${element.style ?? ''}`;
  b.innerHTML = textOf(element.text);
  b.dataset.actionId = element.action_id;
  b.onclick = () => act({ ...context, actionId: element.action_id, value: element.value, blockId: context.blockId });
  return b;
}

function selectElement(element, context) {
  const select = document.createElement('select');
  select.innerHTML =
    `<option value="">${escapeHtml(element.placeholder?.text ?? 'Choose…')}</option>` +
    (element.options ?? []).map((o) => `<option value="${escapeHtml(o.value)}">${escapeHtml(o.text.text)}</option>`).join('');
  select.onchange = () => {
    const option = (element.options ?? []).find((o) => o.value === select.value);
    if (option) act({ ...context, actionId: element.action_id, type: 'static_select', selected: option });
  };
  return select;
}

/** An interactive element in a message or on Home (modals have their own form controls). */
function interactive(element, context) {
  if (element.type === 'button') return button(element, context);
  if (element.type === 'static_select') return selectElement(element, context);
  if (element.type === 'overflow') return selectElement({ ...element, placeholder: { text: '⋯' } }, context);
  if (element.type === 'checkboxes') {
    // A checklist in a message: each tick sends the whole selection, as Slack does.
    const list = document.createElement('div');
    for (const option of element.options ?? []) {
      const label = document.createElement('label');
      label.className = 'choice';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = option.value;
      box.checked = (element.initial_options ?? []).some((o) => o.value === option.value);
      box.onchange = () => {
        const chosen = [...list.querySelectorAll('input:checked')].map((i) => (element.options ?? []).find((o) => o.value === i.value));
        act({ ...context, actionId: element.action_id, type: 'checkboxes', selectedOptions: chosen });
      };
      label.append(box, ' ');
      label.insertAdjacentHTML('beforeend', textOf(option.text));
      list.append(label);
    }
    return list;
  }
  const span = document.createElement('span');
  span.className = 'hint';
  span.textContent = `[${element.type}]`;
  return span;
}

function renderBlocks(blocks, context) {
  const out = document.createElement('div');
  for (const block of blocks ?? []) {
    const ctx = { ...context, blockId: block.block_id };
    let el;
    switch (block.type) {
      case 'header':
        el = document.createElement('div');
        el.className = 'block header';
        el.innerHTML = textOf(block.text);
        break;
      case 'divider':
        el = document.createElement('hr');
        el.className = 'block divider';
        break;
      case 'context':
        el = document.createElement('div');
        el.className = 'block context';
        el.innerHTML = (block.elements ?? [])
          .map((e) =>
            e.type === 'image' ? `<img alt="${escapeHtml(e.alt_text ?? '')}" src="${escapeHtml(e.image_url)}" width="16">` : textOf(e),
          )
          .join(' · ');
        break;
      case 'section': {
        el = document.createElement('div');
        el.className = 'block section';
        const body = document.createElement('div');
        if (block.text) body.innerHTML = textOf(block.text);
        if (block.fields) body.innerHTML += `<div class="fields">${block.fields.map((f) => `<div>${textOf(f)}</div>`).join('')}</div>`;
        el.append(body);
        if (block.accessory) el.append(interactive(block.accessory, ctx));
        break;
      }
      case 'actions':
        el = document.createElement('div');
        el.className = 'block actions';
        for (const element of block.elements ?? []) el.append(interactive(element, ctx));
        break;
      case 'image':
        el = document.createElement('img');
        el.className = 'file';
        el.src = block.image_url;
        el.alt = block.alt_text ?? '';
        break;
      default:
        el = document.createElement('div');
        el.className = 'block hint';
        el.textContent = `[${block.type} block]`;
    }
    out.append(el);
  }
  return out;
}

function renderMessage(m) {
  const row = document.createElement('div');
  row.className = `msg${m.ephemeral ? ' ephemeral' : ''}${m.threadTs && m.threadTs !== m.ts ? ' thread' : ''}`;
  row.dataset.ts = m.ts;
  const bot = m.user === 'U0BOT';
  const name = personName(m.user);
  row.innerHTML = `<div class="avatar${bot ? ' bot' : ''}">${escapeHtml(name.slice(0, 1).toUpperCase())}</div>`;
  const body = document.createElement('div');
  const when = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(Number(m.ts) * 1000));
  body.innerHTML =
    `<span class="who">${escapeHtml(name)}</span><span class="when">${when}</span>` +
    (m.ephemeral ? '<span class="hint">Only visible to you</span>' : '') +
    (m.threadTs && m.threadTs !== m.ts ? '<span class="hint">in thread</span>' : '');
  const context = { channel: state.data.conversation, ts: m.ts };
  if (m.blocks && m.blocks.length) body.append(renderBlocks(m.blocks, context));
  else if (m.text) {
    const text = document.createElement('div');
    text.className = 'block';
    text.innerHTML = mrkdwn(m.text);
    body.append(text);
  }
  for (const f of m.files ?? []) {
    const img = document.createElement('img');
    img.className = 'file';
    img.src = `/playground/files/${encodeURIComponent(f.id)}`;
    img.alt = f.altText || f.title;
    img.title = f.title;
    body.append(img);
  }
  const reactions = document.createElement('div');
  reactions.className = 'reactions';
  for (const [name, who] of Object.entries(m.reactions ?? {})) {
    const chip = document.createElement('span');
    chip.className = 'reaction';
    chip.title = who.map(personName).join(', ');
    chip.textContent = `${EMOJI[name] ?? `:${name}:`} ${who.length}`;
    reactions.append(chip);
  }
  if (!m.ephemeral) {
    for (const name of ['white_check_mark', 'eyes']) {
      const add = document.createElement('button');
      add.className = 'react-add';
      add.textContent = `+${EMOJI[name]}`;
      add.title = `React with :${name}:`;
      add.onclick = () => post('react', { user: state.me, channel: context.channel, ts: m.ts, name });
      reactions.append(add);
    }
  }
  body.append(reactions);
  row.append(body);
  return row;
}

// ---- modals ----

function formField(block, errors) {
  const field = document.createElement('div');
  field.className = 'field';
  field.dataset.blockId = block.block_id;
  if (block.type !== 'input') {
    field.append(renderBlocks([block], { viewId: state.data.modal.id }));
    return field;
  }
  const e = block.element;
  field.dataset.actionId = e.action_id;
  field.dataset.type = e.type;
  const label = `<label class="title">${textOf(block.label)}${block.optional ? ' <span class="optional">(optional)</span>' : ''}</label>`;
  const options = e.options ?? [];
  const users = [...state.people.values()];
  const id = `f-${block.block_id}-${e.action_id}`;
  let control = '';
  switch (e.type) {
    case 'plain_text_input':
      control = e.multiline
        ? `<textarea id="${id}" maxlength="${e.max_length ?? ''}" placeholder="${escapeHtml(e.placeholder?.text ?? '')}">${escapeHtml(e.initial_value ?? '')}</textarea>`
        : `<input type="text" id="${id}" maxlength="${e.max_length ?? ''}" value="${escapeHtml(e.initial_value ?? '')}" placeholder="${escapeHtml(e.placeholder?.text ?? '')}">`;
      break;
    case 'static_select':
    case 'multi_static_select':
      control = `<select id="${id}" ${e.type === 'multi_static_select' ? 'multiple' : ''}><option value="">Choose…</option>${options
        .map(
          (o) =>
            `<option value="${escapeHtml(o.value)}" ${e.initial_option?.value === o.value || (e.initial_options ?? []).some((i) => i.value === o.value) ? 'selected' : ''}>${escapeHtml(o.text.text)}</option>`,
        )
        .join('')}</select>`;
      break;
    case 'users_select':
    case 'multi_users_select':
      control = `<select id="${id}" ${e.type === 'multi_users_select' ? 'multiple' : ''}><option value="">Choose someone…</option>${users
        .map(
          (u) =>
            `<option value="${u.id}" ${e.initial_user === u.id || (e.initial_users ?? []).includes(u.id) ? 'selected' : ''}>${escapeHtml(u.name)}</option>`,
        )
        .join('')}</select>`;
      break;
    case 'checkboxes':
    case 'radio_buttons':
      control = options
        .map(
          (o, i) =>
            `<label class="choice"><input type="${e.type === 'checkboxes' ? 'checkbox' : 'radio'}" name="${id}" value="${escapeHtml(o.value)}" data-index="${i}" ${(e.initial_options ?? []).some((x) => x.value === o.value) || e.initial_option?.value === o.value ? 'checked' : ''}> ${textOf(o.text)}</label>`,
        )
        .join('');
      break;
    case 'datepicker':
      control = `<input type="date" id="${id}" value="${escapeHtml(e.initial_date ?? '')}">`;
      break;
    case 'timepicker':
      control = `<input type="time" id="${id}" value="${escapeHtml(e.initial_time ?? '')}">`;
      break;
    case 'datetimepicker':
      control = `<input type="datetime-local" id="${id}">`;
      break;
    default:
      control = `<span class="hint">[${escapeHtml(e.type)} is not drawn in the playground]</span>`;
  }
  field.innerHTML = `${label}${control}${block.hint ? `<div class="hint">${textOf(block.hint)}</div>` : ''}`;
  if (errors[block.block_id]) {
    field.classList.add('invalid');
    field.insertAdjacentHTML('beforeend', `<div class="error">${escapeHtml(errors[block.block_id])}</div>`);
  }
  if (block.dispatch_action || e.type === 'checkboxes') {
    // Slack sends a block_actions for dispatching inputs (and checkboxes); the app may update the form.
    field.addEventListener('change', () => {
      const value = readField(field);
      if (block.dispatch_action)
        act({
          viewId: state.data.modal.id,
          actionId: e.action_id,
          blockId: block.block_id,
          type: e.type,
          selectedOptions: value.selected_options,
          values: readForm(),
        });
    });
  }
  return field;
}

/** One field's value in view_submission's state.values shape. */
function readField(field) {
  const type = field.dataset.type;
  const find = (sel) => field.querySelector(sel);
  const element = state.data.modal.view.blocks.find((b) => b.block_id === field.dataset.blockId)?.element ?? {};
  const option = (value) => (element.options ?? []).find((o) => o.value === value);
  switch (type) {
    case 'plain_text_input': {
      const v = find('input,textarea').value;
      return { type, value: v === '' ? null : v };
    }
    case 'static_select': {
      const v = find('select').value;
      return { type, selected_option: v ? option(v) : null };
    }
    case 'multi_static_select':
      return { type, selected_options: [...find('select').selectedOptions].filter((o) => o.value).map((o) => option(o.value)) };
    case 'users_select': {
      const v = find('select').value;
      return { type, selected_user: v || null };
    }
    case 'multi_users_select':
      return { type, selected_users: [...find('select').selectedOptions].map((o) => o.value).filter(Boolean) };
    case 'checkboxes':
      return { type, selected_options: [...field.querySelectorAll('input:checked')].map((i) => option(i.value)) };
    case 'radio_buttons': {
      const checked = field.querySelector('input:checked');
      return { type, selected_option: checked ? option(checked.value) : null };
    }
    case 'datepicker':
      return { type, selected_date: find('input').value || null };
    case 'timepicker':
      return { type, selected_time: find('input').value || null };
    case 'datetimepicker': {
      const v = find('input').value;
      return { type, selected_date_time: v ? Math.floor(new Date(v).getTime() / 1000) : null };
    }
    default:
      return { type };
  }
}

function readForm() {
  const values = {};
  for (const field of document.querySelectorAll('#modal .field[data-action-id]')) {
    values[field.dataset.blockId] = { [field.dataset.actionId]: readField(field) };
  }
  return values;
}

function renderModal(modal, errors = {}) {
  const overlay = $('overlay');
  if (!modal) {
    overlay.classList.remove('open');
    state.modalKey = null;
    return;
  }
  const key = `${modal.id}:${modal.hash}`;
  if (state.modalKey === key && !Object.keys(errors).length) return; // do not wipe what is being typed
  const before = state.modalKey && state.modalKey.startsWith(`${modal.id}:`) ? readForm() : null;
  state.modalKey = key;
  const v = modal.view;
  const box = $('modal');
  box.innerHTML = `<h3>${textOf(v.title)}</h3>`;
  const body = document.createElement('div');
  body.className = 'body';
  for (const block of v.blocks ?? []) body.append(formField(block, errors));
  box.append(body);
  if (before) restore(before);
  const foot = document.createElement('div');
  foot.className = 'foot';
  const close = document.createElement('button');
  close.className = 'btn';
  close.textContent = v.close?.text ?? 'Cancel';
  close.onclick = () => post('close', { user: state.me, viewId: modal.id });
  foot.append(close);
  if (v.submit) {
    const submit = document.createElement('button');
    submit.className = 'btn primary';
    submit.textContent = v.submit.text;
    submit.id = 'modal-submit';
    submit.onclick = async () => {
      const values = readForm();
      const answer = await post('submit', { user: state.me, viewId: modal.id, values });
      if (answer && answer.errors) {
        state.modalKey = null;
        renderModal(modal, answer.errors);
        restore(values);
      }
    };
    foot.append(submit);
  }
  box.append(foot);
  overlay.classList.add('open');
}

/** Puts typed values back after the form was redrawn (an update from the app, or errors shown). */
function restore(values) {
  for (const field of document.querySelectorAll('#modal .field[data-action-id]')) {
    const value = values[field.dataset.blockId]?.[field.dataset.actionId];
    if (!value) continue;
    const input = field.querySelector('input[type=text],textarea');
    if (input && value.value != null) input.value = value.value;
    const select = field.querySelector('select');
    if (select && value.selected_option) select.value = value.selected_option.value;
    if (select && value.selected_user) select.value = value.selected_user;
    for (const box of field.querySelectorAll('input[type=checkbox],input[type=radio]')) {
      const chosen = value.selected_options ?? (value.selected_option ? [value.selected_option] : []);
      box.checked = chosen.some((o) => o && o.value === box.value);
    }
  }
}

// ---- talking to the playground ----

async function post(action, body) {
  const response = await fetch(`/playground/api/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) toast(answer.error ?? `failed (${response.status})`);
  refresh(true);
  return answer;
}

function act(details) {
  return post('action', { user: state.me, ...details });
}

function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.style.display = 'block';
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.style.display = 'none'), 4000);
}

function renderSidebar(data) {
  const channels = $('channels');
  channels.innerHTML = '';
  for (const c of data.channels) {
    state.channels.set(c.id, c.name);
    const b = document.createElement('button');
    b.className = `nav${state.conv === c.id ? ' active' : ''}`;
    b.textContent = `# ${c.name}`;
    b.onclick = () => go(c.id);
    channels.append(b);
  }
  $('dm-tab').className = `nav${state.conv === data.dm ? ' active' : ''}`;
  $('dm-tab').onclick = () => go(data.dm);
  $('home-tab').className = `nav${state.conv === 'home' ? ' active' : ''}`;
  const alerts = $('alerts');
  if (!alerts.childElementCount) {
    for (const s of data.samples) {
      const b = document.createElement('button');
      b.textContent = s.label;
      b.onclick = async () => {
        const answer = await post('alert', { index: s.index });
        toast(answer.ok ? `${s.label}: accepted` : `${s.label}: ${answer.status} ${answer.answer ?? ''}`);
      };
      alerts.append(b);
    }
    if (data.storm) {
      const b = document.createElement('button');
      b.id = 'storm';
      b.className = 'storm';
      b.textContent = 'Storm: 200 alerts in 5 groups';
      b.title = 'A database falls over: 200 distinct alerts arrive through the webhook. Watch #alerts: one message and one page per group.';
      b.onclick = async () => {
        b.disabled = true;
        toast('Storm: sending 200 alerts…');
        const answer = await post('storm', {});
        b.disabled = false;
        toast(
          answer.ok
            ? `Storm: ${answer.alerts} alerts accepted in ${answer.requests} requests (${answer.groups} groups). Open #alerts.`
            : `Storm: ${answer.error ?? `${answer.refused} requests refused (${answer.status})`}`,
        );
      };
      alerts.append(b);
    }
  }
}

// ---- the phone panel: what the Twilio and ntfy stand-ins recorded for this person ----

const PHONE_KIND = { voice: 'calls', sms: 'texts', push: 'push', email: 'e-mail' };

function renderPhone(phone) {
  const panel = $('phone');
  if (!panel) return;
  panel.innerHTML = '';
  const contacts = document.createElement('p');
  contacts.className = 'phone-contacts';
  contacts.innerHTML = phone.contacts.length
    ? phone.contacts
        .map((c) => `${escapeHtml(c.value)} (${PHONE_KIND[c.kind] ?? c.kind}, ${c.verified ? 'verified ✅' : 'not verified yet'})`)
        .join(' · ')
    : 'No phone number or ntfy topic yet: type <code>/oncall contact</code> in a channel to add one. Codes, pages and test pages sent to them show up here.';
  panel.append(contacts);
  if (!phone.items.length && phone.contacts.length) {
    const none = document.createElement('p');
    none.className = 'hint';
    none.textContent = 'Nothing received yet. Try /oncall test-page.';
    panel.append(none);
  }
  for (const item of phone.items) {
    const card = document.createElement('div');
    card.className = `phone-item ${item.type}`;
    card.dataset.id = item.id;
    const when = new Date(item.at).toLocaleTimeString();
    const head =
      item.type === 'call'
        ? `📞 Call to ${escapeHtml(item.to)} <span class="when">${when}, ${escapeHtml(item.status)}</span>`
        : item.type === 'text'
          ? `💬 Text to ${escapeHtml(item.to)} <span class="when">${when}</span>`
          : `🔔 Push on ${escapeHtml(item.to)} <span class="when">${when}${item.priority ? `, priority ${item.priority}` : ''}</span>`;
    card.innerHTML = `<div class="kind">${head}</div>`;
    if (item.type !== 'call') {
      const body = document.createElement('div');
      body.className = 'body';
      body.textContent = item.type === 'push' ? `${item.title}\n${item.body}` : item.body;
      card.append(body);
    }
    const press = (label, action, details) => {
      const b = document.createElement('button');
      b.className = 'btn primary';
      b.textContent = label;
      b.onclick = async () => {
        const answer = await post(action, { user: state.me, ...details });
        if (answer.said) toast(answer.said);
        refreshPhone(true);
      };
      card.append(b);
    };
    if (item.type === 'call' && item.canPress4) press('Press 4', 'press4', { sid: item.id });
    if (item.type === 'push' && item.canAcknowledge) press('Tap Acknowledge', 'acknowledge', { id: item.id });
    panel.append(card);
  }
}

async function refreshPhone(force = false) {
  if (state.conv !== 'phone' || !state.me) return;
  const response = await fetch(`/playground/api/phone?user=${encodeURIComponent(state.me)}`);
  const phone = await response.json().catch(() => null);
  if (!response.ok || !phone) {
    const panel = $('phone');
    if (panel) panel.innerHTML = `<p class="hint">${escapeHtml(phone?.error ?? 'The phone panel is not available.')}</p>`;
    return;
  }
  const key = `${state.me}|${JSON.stringify(phone)}`;
  if (!force && key === state.phoneKey) return;
  state.phoneKey = key;
  renderPhone(phone);
}

function render(data) {
  state.data = { ...data, conversation: state.conv };
  for (const p of data.people) state.people.set(p.id, p);
  renderSidebar(data);
  const messages = $('messages');
  const atBottom = messages.scrollTop + messages.clientHeight >= messages.scrollHeight - 40;
  messages.innerHTML = '';
  $('phone-tab').className = `nav${state.conv === 'phone' ? ' active' : ''}`;
  if (state.conv === 'phone') {
    $('title').textContent = `${personName(state.me)}'s phone`;
    $('composer').style.display = 'none';
    messages.innerHTML = '<div id="phone"></div>';
    refreshPhone(true);
  } else if (state.conv === 'home') {
    $('title').textContent = 'App Home';
    $('composer').style.display = 'none';
    if (data.home) messages.append(renderBlocks(data.home.view.blocks, { viewId: data.home.id }));
    else messages.innerHTML = '<p class="hint">Opening the Home tab…</p>';
  } else {
    $('composer').style.display = '';
    $('title').textContent = state.conv === data.dm ? 'oncall (direct message)' : `#${state.channels.get(state.conv) ?? state.conv}`;
    if (!data.messages.length)
      messages.innerHTML =
        '<p class="hint">Nothing here yet. Try <code>/oncall who</code>, <code>/oncall page backend disk full</code> or <code>/incident declare</code>.</p>';
    for (const m of data.messages) messages.append(renderMessage(m));
    if (atBottom) messages.scrollTop = messages.scrollHeight;
  }
  renderModal(data.modal);
}

async function refresh(force = false) {
  if (!state.me) return;
  const conv = state.conv === 'home' || state.conv === 'phone' ? '' : state.conv;
  const response = await fetch(`/playground/api/state?user=${encodeURIComponent(state.me)}&conv=${encodeURIComponent(conv)}`);
  if (!response.ok) return;
  const data = await response.json();
  const key = `${data.version}|${state.me}|${state.conv}`;
  if (!force && key === state.version) return;
  state.version = key;
  render(data);
}

function go(conv) {
  state.conv = conv;
  if (conv === 'home') post('home', { user: state.me });
  refresh(true);
}

async function start() {
  const first = await (await fetch('/playground/api/state?user=U0ANA&conv=C0BACKEND')).json();
  const me = $('me');
  me.innerHTML = first.people.map((p) => `<option value="${p.id}">${escapeHtml(p.name)} (${escapeHtml(p.tz)})</option>`).join('');
  state.me = first.people[0].id;
  me.onchange = () => {
    state.me = me.value;
    if (state.conv.startsWith('D')) state.conv = `D${state.me}`;
    if (state.conv === 'home') post('home', { user: state.me });
    refresh(true);
  };
  $('home-tab').onclick = () => go('home');
  $('phone-tab').onclick = () => go('phone');
  $('composer').onsubmit = async (event) => {
    event.preventDefault();
    const input = $('command');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    await post('command', { user: state.me, channel: state.conv, text });
  };
  await refresh(true);
  setInterval(() => {
    refresh(false);
    refreshPhone(false);
  }, 700);
}

start();
