// The review panel: comments, edits and review actions through the HTTP API.
const CJM = JSON.parse(document.getElementById('cjm-config').textContent);
let anchor = null;
const say = (text) => { document.getElementById('message').textContent = text; };
async function call(method, path, body) {
  const response = await fetch(CJM.api + path, {
    method, credentials: 'same-origin',
    headers: {
      'Content-Type': 'application/json', 'X-CJM-Review': '1', 'If-Match': '"v' + CJM.head + '"',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch (e) {}
    say(response.status + ': ' + detail);
    return null;
  }
  return response.status === 204 ? {} : response.json();
}
document.querySelectorAll('main [data-path]').forEach((el) => {
  el.addEventListener('click', (event) => {
    event.stopPropagation();
    anchor = el.dataset.path;
    document.getElementById('anchor').textContent = anchor;
    document.getElementById('pick').hidden = true;
    document.getElementById('edit-text').value = CJM.texts[anchor] ?? '';
  });
});
document.querySelectorAll('#comments li').forEach((li) => {
  const target = document.querySelector('[data-path="' + CSS.escape(li.dataset.anchor) + '"]');
  if (target) target.classList.add('has-comments');
});
document.getElementById('btn-comment').addEventListener('click', async () => {
  const body = document.getElementById('comment-text').value.trim();
  if (!anchor || !body) { say('?'); return; }
  if (await call('POST', '/comments', {anchor, body})) location.reload();
});
document.getElementById('btn-edit').addEventListener('click', async () => {
  const value = document.getElementById('edit-text').value;
  if (!anchor || !(anchor in CJM.texts)) { say('?'); return; }
  if (await call('PATCH', '', {patches: [{path: anchor, value}]})) location.reload();
});
document.querySelectorAll('button[data-action]').forEach((button) => {
  button.addEventListener('click', async () => {
    const path = '/' + button.dataset.action.replace('_', '-');
    if (await call('POST', path, {})) location.reload();
  });
});
