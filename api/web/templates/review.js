// The review panel: comments, edits and review actions through the HTTP API.
const CJM = JSON.parse(document.getElementById('cjm-config').textContent);
let anchor = null;
const say = (text) => { document.getElementById('message').textContent = text; };
// A request to the API at `url`; null after a problem, whose detail goes to `report`.
async function send(method, url, body, report = say) {
  const response = await fetch(url, {
    method, credentials: 'same-origin',
    headers: {
      'Content-Type': 'application/json', 'X-CJM-Review': '1', 'If-Match': '"v' + CJM.head + '"',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch (e) {}
    if (typeof detail !== 'string') detail = JSON.stringify(detail);
    report(response.status + ': ' + detail);
    return null;
  }
  return response.status === 204 ? {} : response.json();
}
const call = (method, path, body) => send(method, CJM.api + path, body);
// Selecting an element to comment on or edit: a click, or Enter / Space on an element reached
// with Tab (elements that hold no other element or control take focus). Escape in the boxes
// goes back to the element.
const nameOf = (path) => CJM.names[path] ?? path;
let selected = null;
function select(el, byKeyboard) {
  if (selected) selected.classList.remove('selected');
  selected = el;
  el.classList.add('selected');
  anchor = el.dataset.path;
  document.getElementById('anchor').textContent = nameOf(anchor);
  document.getElementById('pick').hidden = true;
  document.getElementById('edit-text').value = CJM.texts[anchor] ?? '';
  if (byKeyboard) document.getElementById('selected').focus();
}
const CONTROLS = 'a, button, input, select, textarea, summary, details, [data-path]';
if (CJM.may_edit) {
  document.querySelectorAll('main [data-path]').forEach((el) => {
    el.addEventListener('click', (event) => {
      event.stopPropagation();
      select(el, false);
    });
    if (el.querySelector(CONTROLS)) return;
    el.tabIndex = 0;
    el.title = nameOf(el.dataset.path);
    el.addEventListener('keydown', (event) => {
      if (event.target !== el || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.preventDefault();
      event.stopPropagation();
      select(el, true);
    });
  });
  ['edit-text', 'comment-text'].forEach((id) => {
    document.getElementById(id).addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && selected) selected.focus();
    });
  });
}
document.querySelectorAll('#comments li').forEach((li) => {
  const target = document.querySelector('[data-path="' + CSS.escape(li.dataset.anchor) + '"]');
  if (target) target.classList.add('has-comments');
});
if (CJM.may_edit) {
  document.getElementById('btn-comment').addEventListener('click', async () => {
    const body = document.getElementById('comment-text').value.trim();
    if (!anchor) { say(CJM.pick); return; }
    if (!body) { document.getElementById('comment-text').focus(); return; }
    if (await call('POST', '/comments', {anchor, body})) location.reload();
  });
  document.getElementById('btn-edit').addEventListener('click', async () => {
    const value = document.getElementById('edit-text').value;
    if (!anchor || !(anchor in CJM.texts)) { say(CJM.pick); return; }
    if (await call('PATCH', '', {patches: [{path: anchor, value}]})) location.reload();
  });
}
document.querySelectorAll('button[data-action]').forEach((button) => {
  button.addEventListener('click', async () => {
    const path = '/' + button.dataset.action.replace('_', '-');
    if (await call('POST', path, {})) location.reload();
  });
});

// Labels on quotes: a badge with the evidence's current label and, for people who may edit,
// actions that label the evidence (PUT .../evidence/{id}/label) and regenerate the map.
(function labels() {
  const L = CJM.labels;
  if (!L) return;
  const T = L.t;
  const stageName = Object.fromEntries(L.stages);
  const codeName = Object.fromEntries(L.codes);
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (m, k) => values[k] ?? m);
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    children.forEach((c) => node.append(c));
    return node;
  };
  function badge(label) {
    const parts = [];
    if (label.not_evidence) parts.push(T.badge_not_cx);
    if (label.stage) parts.push(fill(T.badge_stage, {stage: stageName[label.stage] ?? label.stage}));
    if (label.code) parts.push(fill(T.badge_code, {code: codeName[label.code] ?? label.code}));
    return el('span', {className: 'label-badge',
      textContent: fill(T.labelled, {what: parts.join(' · '), actor: label.actor})});
  }
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  let busy = false;
  async function relabel(evidence, label, status, controls) {
    if (busy) return;
    busy = true;
    controls.forEach((c) => { c.disabled = true; });
    const report = (text) => {
      status.classList.add('error');
      status.textContent = fill(T.failed, {detail: text});
      say(status.textContent);
    };
    const stop = () => { busy = false; controls.forEach((c) => { c.disabled = false; }); };
    status.classList.remove('error');
    status.textContent = T.saving;
    const url = CJM.workspace_api + '/evidence/' + encodeURIComponent(evidence) + '/label';
    if (!await send('PUT', url, {...label, map_id: CJM.map_id}, report)) return stop();
    status.textContent = T.regenerating;
    say(T.regenerating);
    let job = await send('POST', CJM.api + '/regenerate', {}, report);
    if (!job) return stop();
    while (job.status === 'queued' || job.status === 'running') {
      await wait(400);
      job = await send('GET', CJM.workspace_api + '/jobs/' + encodeURIComponent(job.id),
        undefined, report);
      if (!job) return stop();
    }
    if (job.status !== 'succeeded' && job.status !== 'done') {
      report(job.error || job.status);
      return stop();
    }
    status.textContent = T.reloading;
    location.assign(CJM.page);
  }
  function menu(quote, n) {
    const evidence = quote.dataset.evidence;
    const id = 'label-menu-' + n;
    const status = el('span', {className: 'label-status', role: 'status'});
    status.setAttribute('aria-live', 'polite');
    const toggle = el('button', {type: 'button', className: 'label-toggle',
      textContent: T.label_actions + ' ▾'});
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', id);
    const panel = el('div', {id, className: 'label-menu', hidden: true, role: 'group'});
    panel.setAttribute('aria-label', T.label_menu);
    const controls = [toggle];
    const chooser = (kind, title, options, action) => {
      const select = el('select', {name: kind, id: id + '-' + kind},
        el('option', {value: '', textContent: T.choose}),
        ...options.map(([value, name]) => el('option', {value, textContent: name})));
      const button = el('button', {type: 'button', textContent: action});
      button.dataset.labelAction = kind;
      button.addEventListener('click', () => {
        if (!select.value) { select.focus(); return; }
        relabel(evidence, {[kind]: select.value}, status, controls);
      });
      controls.push(select, button);
      panel.append(el('label', {htmlFor: select.id, textContent: title}), select, button);
    };
    chooser('stage', T.move_to_stage, L.stages, T.move);
    if (L.codes.length) chooser('code', T.recode_as, L.codes, T.recode);
    const notCx = el('button', {type: 'button', textContent: T.not_cx});
    notCx.dataset.labelAction = 'not_evidence';
    notCx.addEventListener('click', () => {
      if (confirm(T.confirm_not_cx)) relabel(evidence, {not_evidence: true}, status, controls);
    });
    controls.push(notCx);
    panel.append(notCx);
    const show = (open) => {
      panel.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
    };
    toggle.addEventListener('click', () => show(panel.hidden));
    // Escape closes the menu from anywhere in it and gives the focus back to its button
    [toggle, panel].forEach((node) => node.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || panel.hidden) return;
      event.stopPropagation();
      show(false);
      toggle.focus();
    }));
    return [toggle, panel, status];
  }
  document.querySelectorAll('main blockquote[data-evidence]').forEach((quote, n) => {
    const label = L.current[quote.dataset.evidence];
    const inGrid = quote.closest('table.grid') !== null;
    if (!label && !(L.may_label && inGrid)) return;
    const holder = el('div', {className: 'label-tools'});
    if (label) holder.append(badge(label));
    if (L.may_label && inGrid) holder.append(...menu(quote, n));
    holder.dataset.evidence = quote.dataset.evidence;
    // a click in the menu does not select the pain point or delighter around it for editing
    holder.addEventListener('click', (event) => event.stopPropagation());
    quote.after(holder);
  });
})();
